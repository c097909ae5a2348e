// An experiment for issue 9's profile, not a product path: the same redemption domain code
// (lib/domain, one read and one write) behind a bare node:http server instead of Next.js's
// router, to measure what the framework costs per request. N processes share the port.
// Run (against the bench database): DATABASE_URL=… CERTDOOR_MASTER_KEY=… AUTH_SECRET=…
//   node --conditions=react-server --import tsx bench/plain-http-redeem.ts --port 3310 --workers 2
// then point bench/wrk/redeem-tokens.lua at it.
import cluster from "node:cluster";
import http from "node:http";
import { parseArgs } from "node:util";
import { redeemToken } from "@/lib/domain/certificates";
import { isAppError } from "@/lib/domain/errors";

const { values } = parseArgs({ options: { port: { type: "string", default: "3310" }, workers: { type: "string", default: "1" } } });
const workers = Number(values.workers);
const ROUTE = /^\/frontdoor\/([0-9a-f-]{36})\/client-certificates\/token$/;

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  http
    .createServer(async (req, res) => {
      const match = ROUTE.exec(req.url ?? "");
      if (req.method !== "POST" || !match) return res.writeHead(404).end();
      let text = "";
      for await (const chunk of req) text += chunk;
      const secret = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
      try {
        const certificate = await redeemToken({ frontdoorId: match[1]!, secret, body: JSON.parse(text), context: { ip: req.socket.remoteAddress ?? null } });
        res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify(certificate));
      } catch (error) {
        const status = isAppError(error) ? error.status : 500;
        res.writeHead(status, { "Content-Type": "application/problem+json" }).end(JSON.stringify({ code: isAppError(error) ? error.code : "internal" }));
      }
    })
    .listen(Number(values.port));
}
