import { chunkOf, rawExchange } from "@/lib/testing/raw-http";
import { expect, test } from "./support/test";
import { defaultFrontdoorId } from "./support/tokens";

// Large bodies against the production server (bin/server.mjs in front of Next.js): a
// request announcing 9 MiB was read whole (Next.js buffers up to 10 MB for proxy.ts) before
// anything answered. Now the answer comes from the headers alone, and a chunked body is cut
// off at the limit, not read to its end.

const NINE_MIB = 9 * 1024 * 1024;
const portOf = (baseURL: string | undefined) => Number(new URL(baseURL!).port);

test("a request announcing 9 MiB is refused from its headers, before any of the body is sent", async ({ baseURL }) => {
  const frontdoorId = await defaultFrontdoorId();
  const paths = ["/login", "/no-such-page", `/frontdoor/${frontdoorId}/client-certificates/token`, `/frontdoor/${frontdoorId}/certificate-request-tokens/batch`];
  for (const path of paths) {
    for (const expect100 of ["", "Expect: 100-continue\r\n"]) {
      const head = `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${NINE_MIB}\r\n${expect100}\r\n`;
      const { answer, sent, ms } = await rawExchange(portOf(baseURL), head);
      expect(answer, `${path} ${expect100}`).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(sent).toBe(0);
      expect(ms).toBeLessThan(5_000);
    }
  }
});

test("a chunked body is refused once it passes the limit, not read to its end; the server answers on", async ({ baseURL, request }) => {
  const frontdoorId = await defaultFrontdoorId();
  const piece = chunkOf(Buffer.alloc(64 * 1024, 0x61));
  for (const [path, limit] of [["/login", 1024 * 1024], [`/frontdoor/${frontdoorId}/ocsp`, 64 * 1024]] as const) {
    const head = `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { answer, sent } = await rawExchange(portOf(baseURL), head, { piece, times: NINE_MIB / (64 * 1024) });
    expect(answer, path).toMatch(/^HTTP\/1\.1 413 /);
    // What was sent before the answer came: the limit, and what was on its way meanwhile.
    expect(sent, path).toBeLessThan(limit + 2 * 1024 * 1024);
  }
  expect((await request.get("/api/health")).status()).toBe(200);
});

test("bodies within the limits still arrive: a form on a page, a JSON body at a door", async ({ baseURL, request }) => {
  const form = new FormData();
  form.set("email", "someone@example.com");
  const page = await fetch(`${baseURL}/login`, { method: "POST", body: form, redirect: "manual" });
  expect(page.status).toBeLessThan(500);
  expect(page.status).not.toBe(413);
  const door = await request.post("/api/redeem/preview", { data: { frontdoorId: await defaultFrontdoorId(), token: `crt_${"0".repeat(32)}` } });
  expect(door.status()).not.toBe(413);
  expect(door.status()).toBeLessThan(500);
});
