import { execFile } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createToken } from "@/lib/domain/tokens";
import { type DoorsServer, serveDoors } from "@/lib/testing/doors-server";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { verifyClientCertificate } from "@/lib/testing/openssl";
import { writeRedeemTool } from "@/lib/tools/bundle-redeem-tool.mjs";

// GET /tools/certdoor-redeem.mjs, as the README tells a machine without Certdoor to use it:
// curl it into an empty folder outside the checkout, check its SHA-256, run it with plain
// node, and openssl verifies what it wrote; later the same file renews from a timer. The
// doors run behind a small HTTP server.

const run = promisify(execFile);
let doors: DoorsServer;
let origin = "";

beforeAll(async () => {
  await writeRedeemTool(); // what `next build` does
  doors = await serveDoors();
  origin = doors.origin;
});
afterAll(() => doors.close());

describe("certdoor-redeem.mjs", () => {
  it("is fetched with its SHA-256 as ETag and Cache-Control, and answers 304 when unchanged", async () => {
    const first = await fetch(`${origin}/tools/certdoor-redeem.mjs`);
    expect(first.status).toBe(200);
    const bytes = Buffer.from(await first.arrayBuffer());
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    expect(first.headers.get("etag")).toBe(`"${sha256}"`);
    expect(first.headers.get("x-content-sha256")).toBe(sha256);
    expect(first.headers.get("cache-control")).toBe("public, no-cache");
    expect(first.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const again = await fetch(`${origin}/tools/certdoor-redeem.mjs`, { headers: { "If-None-Match": `"${sha256}"` } });
    expect(again.status).toBe(304);
    expect((await fetch(`${origin}/tools/certdoor-redeem.mjs`, { headers: { "If-None-Match": '"something-older"' } })).status).toBe(200);
  });

  it("redeems a token from an empty folder outside the checkout with plain node, and openssl verifies the result", async () => {
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "build agent", commonName: "agent-7.ci.example.com" });
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-tool-"));
    expect(path.relative(process.cwd(), dir).startsWith("..")).toBe(true);
    // Nothing to resolve packages from on the way up: the file brings everything it needs.
    for (let up = dir; up !== path.dirname(up); up = path.dirname(up)) expect(existsSync(path.join(up, "node_modules")), up).toBe(false);

    await run("curl", ["-fsSO", `${origin}/tools/certdoor-redeem.mjs`], { cwd: dir });
    const sha256 = createHash("sha256").update(readFileSync(path.join(dir, "certdoor-redeem.mjs"))).digest("hex");
    await run("sh", ["-c", `echo "${sha256}  certdoor-redeem.mjs" | sha256sum -c -`], { cwd: dir });

    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NODE_ENV: "production" } as const;
    const args = ["certdoor-redeem.mjs", "--server", origin, "--frontdoor", frontdoor.id, "--token", token.token, "--key", "ec-p384", "--out", "mtls", "--p12-password", "p12 secret", "--json"];
    const { stdout } = await run(process.execPath, args, { cwd: dir, env });
    const result = JSON.parse(stdout) as { certificate: { id: string; commonName: string }; files: string[] };
    expect(result.certificate.commonName).toBe("agent-7.ci.example.com");
    expect(result.files.map((f) => path.relative(dir, f))).toEqual(["mtls/key.pem", "mtls/cert.pem", "mtls/ca.pem", "mtls/client.p12"]);
    expect(statSync(path.join(dir, "mtls", "key.pem")).mode & 0o777).toBe(0o600);

    const read = (name: string) => readFileSync(path.join(dir, "mtls", name), "utf8");
    expect(verifyClientCertificate(read("cert.pem"), read("ca.pem"))).toMatch(/: OK/);
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { clientCertificateId: true } });
    expect(stored.clientCertificateId).toBe(result.certificate.id);

    // The same flags and exit codes as `certdoor redeem`.
    const again = await run(process.execPath, ["certdoor-redeem.mjs", "--server", origin, "--frontdoor", frontdoor.id, "--token", token.token, "--out", "second"], { cwd: dir, env }).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining("token_already_used") });
    const wrong = await run(process.execPath, ["certdoor-redeem.mjs", "--key", "ed25519"], { cwd: dir, env }).catch((e: { code: number; stderr: string }) => e);
    expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: node certdoor-redeem.mjs --server URL") });
    const help = await run(process.execPath, ["certdoor-redeem.mjs", "--help"], { cwd: dir, env });
    expect(help.stdout).toContain("--p12-mode modern|compatible");
  });

  it("with --force, replaces an existing key.pem and client.p12 by new files of mode 0600, whatever mode the old ones had", async () => {
    const frontdoor = await makeFrontdoor();
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-tool-"));
    await run("curl", ["-fsSO", `${origin}/tools/certdoor-redeem.mjs`], { cwd: dir });
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NODE_ENV: "production" } as const;
    const out = path.join(dir, "mtls");
    mkdirSync(out);
    for (const name of ["key.pem", "client.p12"]) {
      writeFileSync(path.join(out, name), "an older secret", { mode: 0o644 });
      chmodSync(path.join(out, name), 0o644);
    }
    const token = await createToken(system, frontdoor.id, { name: "again", commonName: "again.example.com" });
    const args = ["certdoor-redeem.mjs", "--server", origin, "--frontdoor", frontdoor.id, "--token", token.token, "--out", "mtls", "--p12-password", "p12 secret"];
    await run(process.execPath, [...args, "--force"], { cwd: dir, env });
    for (const name of ["key.pem", "client.p12"]) {
      expect({ name, mode: (statSync(path.join(out, name)).mode & 0o777).toString(8) }).toEqual({ name, mode: "600" });
      expect(readFileSync(path.join(out, name), "utf8")).not.toBe("an older secret");
    }
    expect(readFileSync(path.join(out, "key.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Nothing is left beside them: the new files were written under other names and renamed.
    expect(readdirSync(out).sort()).toEqual(["ca.pem", "cert.pem", "client.p12", "key.pem"]);
  });

  it("renews with the key it wrote, as `… renew` from a daily timer: 3 while not due, then 0 and a new cert.pem", async () => {
    const frontdoor = await makeFrontdoor();
    const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-tool-"));
    await run("curl", ["-fsSO", `${origin}/tools/certdoor-redeem.mjs`], { cwd: dir });
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, NODE_ENV: "production" } as const;
    const node = (args: string[]) => run(process.execPath, ["certdoor-redeem.mjs", ...args], { cwd: dir, env }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    const renewIn = (out: string) => node(["renew", "--server", origin, "--frontdoor", frontdoor.id, "--cert", `${out}/cert.pem`, "--key", `${out}/key.pem`]);
    const redeemInto = async (out: string, validDays: number) => {
      const token = await createToken(system, frontdoor.id, { name: out, commonName: `${out}.example.com`, validDays });
      expect((await node(["--server", origin, "--frontdoor", frontdoor.id, "--token", token.token, "--out", out])).code).toBe(0);
    };

    // A year's certificate is not due for eleven months: exit 3, nothing touched.
    await redeemInto("year", 365);
    const before = readFileSync(path.join(dir, "year", "cert.pem"), "utf8");
    expect(await renewIn("year")).toMatchObject({ code: 3, stderr: expect.stringContaining("renewal_too_early") });
    expect(readFileSync(path.join(dir, "year", "cert.pem"), "utf8")).toBe(before);

    // A day's certificate lives less than the 30-day window: due at once.
    await redeemInto("day", 1);
    const old = new X509Certificate(readFileSync(path.join(dir, "day", "cert.pem")));
    writeFileSync(path.join(dir, "day", "old.pem"), old.toString());
    const key = readFileSync(path.join(dir, "day", "key.pem"), "utf8");
    expect(await renewIn("day")).toMatchObject({ code: 0, stdout: expect.stringContaining("Renewed:") });
    const renewed = new X509Certificate(readFileSync(path.join(dir, "day", "cert.pem")));
    expect(renewed.serialNumber).not.toBe(old.serialNumber);
    expect(renewed.subject).toBe(old.subject);
    expect(renewed.publicKey.equals(old.publicKey)).toBe(true);
    expect(readFileSync(path.join(dir, "day", "key.pem"), "utf8")).toBe(key);
    expect(verifyClientCertificate(renewed.toString(), readFileSync(path.join(dir, "day", "ca.pem"), "utf8"))).toMatch(/: OK/);
    // The old one is renewed only once: asked again (say its answer was lost), the same file writes the successor, exit 0.
    const again = await node(["renew", "--server", origin, "--frontdoor", frontdoor.id, "--cert", "day/old.pem", "--key", "day/key.pem"]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining("Nothing new was issued.") });
    expect(readFileSync(path.join(dir, "day", "old.pem"), "utf8")).toBe(renewed.toString());
    expect(await getDb().clientCertificate.count({ where: { frontdoorId: frontdoor.id, renewedFromId: { not: null } } })).toBe(1);

    // An address without its scheme is a wrong invocation that names the option, for both commands.
    for (const args of [["renew", "--server", "certdoor.example.com", "--frontdoor", frontdoor.id], ["--server", "certdoor.example.com", "--frontdoor", frontdoor.id, "--token", "crt_x"]]) {
      expect(await node(args)).toMatchObject({ code: 2, stderr: expect.stringContaining("--server takes Certdoor's address with http:// or https://") });
    }
    expect((await node(["renew", "--help"])).stdout).toContain("Usage: node certdoor-redeem.mjs renew --server URL");
    expect((await node(["--help"])).stdout).toContain("node certdoor-redeem.mjs renew --help");
  });
});
