import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ACTION_BODY_BYTES, MAX_BODY_BYTES } from "@/lib/http/body";
import { problemBody } from "@/lib/http/problem";
import { chunkOf, rawExchange } from "@/lib/testing/raw-http";
import { answerExpectContinue, bodyLimitOf, MAX_ACTION_BODY_BYTES as SERVER_ACTION_BYTES, MAX_DOOR_BODY_BYTES, payloadTooLargeProblem, refuseOversizedBody } from "./body-limit.mjs";

// The front server's body limits, on a plain Node server that uses them as bin/server.mjs
// does; behind it, a handler that reads the whole body like Next.js. e2e/body-limits.spec.ts
// asks the same of the production server.

let server: Server;
let port = 0;
/** What the app behind the limit received, per request path. */
const received = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (refuseOversizedBody(req, res)) return;
    let size = 0;
    req.on("data", (chunk: Buffer) => (size += chunk.length));
    req.on("end", () => {
      received.set(req.url ?? "", size);
      res.end(String(size));
    });
    req.on("error", () => received.set(req.url ?? "", -1));
  });
  answerExpectContinue(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const exchange = (head: string, body?: { piece: Buffer; times: number }) => rawExchange(port, head, body);
const chunk = chunkOf;

describe("request body limits in front of Next.js", () => {
  it("are 64 KiB for the doors, 2 MiB for token batches, 1 MiB for pages and their server actions", () => {
    expect(MAX_DOOR_BODY_BYTES).toBe(MAX_BODY_BYTES);
    expect(SERVER_ACTION_BYTES).toBe(MAX_ACTION_BODY_BYTES);
    for (const url of ["/frontdoor/x/client-certificates/token", "/frontdoor/x/ocsp", "/.well-known/est/x/simpleenroll", "/api/redeem/preview", "/api/auth/callback/credentials?x=1", "/metrics"]) expect(bodyLimitOf(url), url).toBe(64 * 1024);
    expect(bodyLimitOf("/frontdoor/x/certificate-request-tokens/batch")).toBe(2 * 1024 * 1024);
    // An absolute-form target reaches the same door (Next.js routes by its path), and so does the API's POST /frontdoors.
    for (const url of ["http://localhost:3000/frontdoor/x/client-certificates/token", "http://localhost/frontdoor/x/ocsp?y=1", "/frontdoors"]) expect(bodyLimitOf(url), url).toBe(64 * 1024);
    expect(bodyLimitOf("http://localhost/frontdoor/x/certificate-request-tokens/batch")).toBe(2 * 1024 * 1024);
    for (const url of ["/", "/login", "/tokens/new", "/no-such-page", "//frontdoor/x/ocsp", undefined]) expect(bodyLimitOf(url), String(url)).toBe(1024 * 1024);
  });

  it("answer with the problem+json every door answers payload_too_large with", () => {
    const problem = payloadTooLargeProblem(65536);
    expect(problem).toEqual(problemBody("payload_too_large", problem.detail));
  });

  it("refuse a request announcing 9 MiB from its headers alone, before any of the body is sent", async () => {
    for (const [path, expect100] of [["/login", ""], ["/frontdoor/x/client-certificates/token", ""], ["/tokens", "Expect: 100-continue\r\n"]] as const) {
      const { answer, sent } = await exchange(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${9 * 1024 * 1024}\r\n${expect100}\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toMatch(/connection: close/i);
      expect(sent).toBe(0);
      expect(received.has(path)).toBe(false);
    }
  });

  it("refuse a chunked body once what arrived passes the limit, and the app behind never gets it whole", async () => {
    const path = "/frontdoor/x/ocsp";
    const { answer, sent } = await exchange(`POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, { piece: chunk(Buffer.alloc(16 * 1024, 0x61)), times: 500 });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(200 * 1024);
    expect(received.get(path) ?? -1).toBeLessThanOrEqual(64 * 1024);
  });

  it("let bodies within the limit through whole, chunked or not", async () => {
    const fixed = await exchange(`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`);
    expect(fixed.answer).toMatch(/^HTTP\/1\.1 200 /);
    const expecting = await exchange(`POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
    expect(expecting.answer).toMatch(/^HTTP\/1\.1 100 Continue/);
    const chunked = await exchange(`POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(Buffer.alloc(512 * 1024, 0x62)).toString("latin1")}0\r\n\r\n`);
    expect(chunked.answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.get("/b")).toBe(512 * 1024);
  });
});
