import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import * as scepAtPkiclient from "@/app/scep/[frontdoorId]/pkiclient.exe/route";
import * as scep from "@/app/scep/[frontdoorId]/route";
import { fromAddress } from "@/lib/testing/http";
import { tempDir } from "@/lib/testing/openssl";

// The SCEP door behind a loopback HTTP server, driven by Debian's `scepclient` (micromdm
// 2.1.0) as a real process against this test file's database. Every PKIOperation body the
// server receives is kept, so tests can replay (or mutate) exactly what the client sent.

export type ScepServer = { origin: string; received: Buffer[]; close: () => Promise<void> };

/** Starts the server on a free loopback port; every request comes from `clientIp`. */
export async function serveScep(clientIp = "192.0.2.88"): Promise<ScepServer> {
  let origin = "";
  const received: Buffer[] = [];
  const server = createServer(async (req, res) => {
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const match = /^\/scep\/([^/?]+)(\/pkiclient\.exe)?(\?|$)/.exec(req.url ?? "");
    if (!match) return void res.writeHead(404).end();
    if (req.method === "POST") received.push(body);
    const headers = new Headers({ ...(req.headers as Record<string, string>), ...fromAddress(clientIp) });
    const request = new Request(`${origin}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : new Uint8Array(body) });
    const handler = (match[2] ? scepAtPkiclient : scep)[req.method === "POST" ? "POST" : "GET"];
    const response = await handler(request, { params: Promise.resolve({ frontdoorId: match[1]! }) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type ScepRun = { isOk: boolean; output: string; dir: string; certificateFile: string };

/**
 * Runs scepclient once (asynchronously: the server answering it lives in this process). It
 * keeps key.pem, csr.pem and client.pem in `dir`; run again in the same dir, it renews
 * (RenewalReq signed with client.pem). `raDer` is pinned with -ca-fingerprint, as the client
 * needs whenever GetCACert holds an EC certificate (Certdoor's CAs).
 */
export async function runScepClient(url: string, raDer: Uint8Array, options: { challenge?: string; cn?: string; dir?: string } = {}): Promise<ScepRun> {
  const dir = options.dir ?? tempDir("certdoor-scep-");
  const args = ["-server-url", url, "-private-key", path.join(dir, "key.pem"), "-ca-fingerprint", createHash("sha256").update(raDer).digest("hex"), "-cn", options.cn ?? "laptop-1.corp.example.com"];
  if (options.challenge) args.push("-challenge", options.challenge);
  try {
    const { stdout, stderr } = await promisify(execFile)("scepclient", args, { timeout: 30_000 });
    return { isOk: true, output: stdout + stderr, dir, certificateFile: path.join(dir, "client.pem") };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { isOk: false, output: stdout + stderr, dir, certificateFile: path.join(dir, "client.pem") };
  }
}
