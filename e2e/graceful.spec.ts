import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket, connect } from "node:net";
import path from "node:path";
import { e2eDataDir } from "../playwright.config";
import { db } from "./support/db";
import { type Instance, startInstance } from "./support/server";
import { defaultFrontdoorId } from "./support/tokens";
import { expect, test } from "./support/test";

// Health for orchestrators, and restarts that drop nothing: readiness follows the database,
// and an instance stopped in the middle of a burst of redemptions answers every request it
// took, while a client that, like a load balancer, sends new requests to the instance
// still running, sees every redemption succeed exactly once.

test("liveness and readiness answer; readiness follows the database", async ({ baseURL }) => {
  expect(await (await fetch(`${baseURL}/api/health/live`)).json()).toEqual({ status: "ok" });
  expect(await (await fetch(`${baseURL}/api/health/ready`)).json()).toEqual({ status: "ready" });

  // An instance that reaches PostgreSQL through a relay this test can cut.
  const pg = JSON.parse(readFileSync(path.join(e2eDataDir, "postgres.json"), "utf8"));
  const sockets = new Set<Socket>();
  const relay = (): Server =>
    createServer((client) => {
      const upstream = connect(pg.port, "127.0.0.1");
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s)).on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  let server = relay();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const relayPort = (server.address() as { port: number }).port;
  const instance = await startInstance(3286, { env: { DATABASE_URL: `postgresql://${pg.user}:${encodeURIComponent(pg.password)}@127.0.0.1:${relayPort}/${pg.database}` } });
  const ready = async () => {
    const res = await fetch(`${instance.url}/api/health/ready`);
    return { status: res.status, body: await res.json() };
  };
  try {
    expect(await ready()).toEqual({ status: 200, body: { status: "ready" } });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    await expect.poll(async () => (await ready()).status, { timeout: 20_000 }).toBe(503);
    expect((await ready()).body.reason).toMatch(/^database unreachable/);
    expect((await fetch(`${instance.url}/api/health/live`)).status).toBe(200);
    server = relay();
    await new Promise<void>((resolve) => server.listen(relayPort, "127.0.0.1", resolve));
    await expect.poll(async () => (await ready()).status, { timeout: 20_000 }).toBe(200);
  } finally {
    await instance.stop();
    server.close();
    for (const s of sockets) s.destroy();
  }
});

/** Redeems through whichever instance is up, as a load balancer would route: a refused connection goes to the other. */
async function redeemVia(instances: () => Instance[], frontdoorId: string, secret: string, csr: string, turn: number) {
  for (let attempt = 0; ; attempt++) {
    const live = instances();
    const target = live[(turn + attempt) % live.length]!;
    try {
      const res = await fetch(`${target.url}/frontdoor/${frontdoorId}/client-certificates/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}`, "Content-Type": "application/json" },
        body: JSON.stringify({ type: "CSR", value: csr }),
      });
      return res.status;
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      // Refused before anything was sent: safe to send elsewhere. Anything else is a lost request.
      if (code !== "ECONNREFUSED" || attempt > 20) return `error ${code ?? String(error)}`;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

test("a rolling restart under a burst of 200 redemptions: every request answered, every token redeemed once", async () => {
  test.slow();
  const frontdoorId = await defaultFrontdoorId();
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const tokens = [];
  for (let i = 0; i < 200; i++) tokens.push(await createToken(systemPrincipal("e2e"), frontdoorId, { name: `rolling ${i}`, commonName: `rolling-${i}.example.com` }));
  const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=x"], { encoding: "utf8" });

  let a = await startInstance(3287);
  let b = await startInstance(3288);
  let up = [a, b];
  try {
    for (const [phase, stopping] of [[0, () => a], [1, () => b]] as const) {
      const batch = tokens.slice(phase * 100, phase * 100 + 100);
      const results = batch.map((t, i) => redeemVia(() => up, frontdoorId, t.token, csr, i));
      await new Promise((r) => setTimeout(r, 150));
      const victim = stopping();
      const exited = new Promise<number | null>((resolve) => victim.process.once("exit", (code) => resolve(code)));
      victim.process.kill("SIGTERM");
      up = up.filter((x) => x !== victim);
      const statuses = await Promise.all(results);
      expect(statuses.filter((s) => s !== 201), `phase ${phase}`).toEqual([]);
      expect(await exited).toBe(0);
      // The stopped instance comes back, as a rolling restart does, before the next one goes.
      const restarted = await startInstance(phase === 0 ? 3287 : 3288);
      if (phase === 0) a = restarted;
      else b = restarted;
      up = [...up, restarted];
    }
    const stored = await (await db()).certificateRequestToken.findMany({ where: { id: { in: tokens.map((t) => t.id) } }, select: { redeemedAt: true, clientCertificateId: true } });
    expect(stored.filter((t) => !t.redeemedAt || !t.clientCertificateId)).toEqual([]);
    expect(new Set(stored.map((t) => t.clientCertificateId)).size).toBe(200);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
