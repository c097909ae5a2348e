import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
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
});
