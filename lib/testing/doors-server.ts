import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as tool from "@/app/tools/certdoor-redeem.mjs/route";
import * as renew from "@/app/frontdoor/[frontdoorId]/client-certificates/renew/route";
import * as redeem from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import { fromAddress } from "@/lib/testing/http";

// The doors a system's client talks to (the served tool, redemption by header, renewal)
// behind a small HTTP server on loopback, so tests run `certdoor redeem|renew` and
// certdoor-redeem.mjs as real processes against this test file's database.

export type DoorsServer = { origin: string; close: () => Promise<void> };

/** Starts the server on a free loopback port; every request comes from `clientIp`. */
export async function serveDoors(clientIp = "192.0.2.77"): Promise<DoorsServer> {
  let origin = "";
  const server = createServer(async (req, res) => {
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const headers = new Headers({ ...(req.headers as Record<string, string>), ...fromAddress(clientIp) });
    const request = new Request(`${origin}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : new Uint8Array(body) });
    const post = /^\/frontdoor\/([^/]+)\/client-certificates\/(token|renew)$/.exec(req.url ?? "");
    const response =
      req.url === "/tools/certdoor-redeem.mjs" && req.method === "GET"
        ? await tool.GET(request)
        : post && req.method === "POST"
          ? await (post[2] === "token" ? redeem : renew).POST(request, { params: Promise.resolve({ frontdoorId: post[1]! }) })
          : new Response("not here", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
