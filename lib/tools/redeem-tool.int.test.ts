import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tool from "@/app/tools/certdoor-redeem.mjs/route";
import * as redeem from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import { getDb } from "@/lib/db";
import { createToken } from "@/lib/domain/tokens";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { fromAddress } from "@/lib/testing/http";
import { verifyClientCertificate } from "@/lib/testing/openssl";
import { writeRedeemTool } from "@/lib/tools/bundle-redeem-tool.mjs";

// GET /tools/certdoor-redeem.mjs, as the README tells a machine without Certdoor to use it:
// curl it into an empty folder outside the checkout, check its SHA-256, run it with plain
// node, and openssl verifies what it wrote. The two doors run behind a small HTTP server.

const run = promisify(execFile);
let server: Server;
let origin = "";

beforeAll(async () => {
  await writeRedeemTool(); // what `next build` does
  server = createServer(async (req, res) => {
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const headers = new Headers({ ...(req.headers as Record<string, string>), ...fromAddress("192.0.2.77") });
    const request = new Request(`${origin}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : new Uint8Array(body) });
    const redeemPath = /^\/frontdoor\/([^/]+)\/client-certificates\/token$/.exec(req.url ?? "");
    const response =
      req.url === "/tools/certdoor-redeem.mjs" && req.method === "GET"
        ? await tool.GET(request)
        : redeemPath && req.method === "POST"
          ? await redeem.POST(request, { params: Promise.resolve({ frontdoorId: redeemPath[1]! }) })
          : new Response("not here", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
});
