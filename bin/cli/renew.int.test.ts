import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { type DoorsServer, serveDoors } from "@/lib/testing/doors-server";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { opensslCsr } from "@/lib/testing/openssl";

// The real `certdoor renew` against the renewal door behind a loopback HTTP server (the
// process runs asynchronously: the server lives in this test's event loop).

const root = path.resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);
let doors: DoorsServer;

beforeAll(async () => {
  doors = await serveDoors();
});
afterAll(() => doors.close());

const certdoor = (args: string[]) =>
  run(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, env: { ...process.env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("certdoor renew", () => {
  it("writes the successor and exits 0 when someone replayed an old CSR and renewed first; nothing more is issued", async () => {
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "timer", commonName: "timer.example.com", validDays: 1 });
    const csr = opensslCsr("ec-p256");
    const current = await redeemToken({ frontdoorId: frontdoor.id, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
    const certFile = path.join(csr.dir, "cert.pem");
    writeFileSync(certFile, current.certificate);

    // The redemption CSR and the public certificate are all it takes to renew first.
    const url = `${doors.origin}/frontdoor/${frontdoor.id}/client-certificates/renew`;
    const stolen = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "CSR", value: csr.csrPem, certificate: current.certificate }) });
    expect(stolen.status).toBe(201);
    const successor = (await stolen.json()) as { id: string; certificate: string };

    const renewed = await certdoor(["renew", "--server", doors.origin, "--frontdoor", frontdoor.id, "--cert", certFile, "--key", csr.keyFile, "--json"]);
    expect(renewed).toMatchObject({ code: 0 });
    expect(JSON.parse(renewed.stdout)).toMatchObject({ id: successor.id, renewedFromId: current.id, isReplay: true, file: certFile });
    expect(readFileSync(certFile, "utf8")).toBe(successor.certificate);
    expect(await getDb().clientCertificate.count({ where: { renewedFromId: current.id } })).toBe(1);
  });

  it("keeps cert.pem when the server answers with a certificate for another key, and exits 1", async () => {
    const frontdoor = await makeFrontdoor();
    const mine = opensslCsr("ec-p256");
    const token = await createToken(system, frontdoor.id, { name: "mine", commonName: "mine.example.com", validDays: 1 });
    const current = await redeemToken({ frontdoorId: frontdoor.id, secret: token.token, body: { type: "CSR", value: mine.csrPem }, context: {} });
    const certFile = path.join(mine.dir, "cert.pem");
    writeFileSync(certFile, current.certificate);
    // A stranger's certificate from the same CA, handed back by a wrong server.
    const theirs = await createToken(system, frontdoor.id, { name: "theirs", commonName: "theirs.example.com" });
    const stranger = await redeemToken({ frontdoorId: frontdoor.id, secret: theirs.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    const wrong = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify(stranger)));
    });
    await new Promise<void>((resolve) => wrong.listen(0, "127.0.0.1", resolve));
    try {
      const origin = `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`;
      const renewed = await certdoor(["renew", "--server", origin, "--frontdoor", frontdoor.id, "--cert", certFile, "--key", mine.keyFile]);
      expect(renewed.code).toBe(1);
      expect(renewed.stderr).toContain("a certificate for another key");
      expect(readFileSync(certFile, "utf8")).toBe(current.certificate);
    } finally {
      await new Promise((resolve) => wrong.close(resolve));
    }
  });
});
