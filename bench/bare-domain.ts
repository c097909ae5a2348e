// The product's own work with nothing around it (issue 24): plain node:http and the domain's
// functions, the very ones the doors call (createToken, redeemToken: the same statements,
// audit events, CSR check and signature), without Next.js, the lean path, the route
// wrapper, API-key authentication, the guess limiter, request logs or metrics. Against
// floor.sh (the least work a redemption can be) it splits the product's distance from the
// floor into what the domain's work costs and what serving it costs.
//
// bench/floor-ratio.sh runs it with BARE=1 on the product's database, with the product's
// environment (DATABASE_URL, CERTDOOR_MASTER_KEY, …), and drives it with bench/scale.ts's
// wrk scripts, which it answers on the same paths: POST /frontdoor/{id}/certificate-request-tokens
// and POST /frontdoor/{id}/client-certificates/token (Authorization: Bearer crt_…).
// Run: node --conditions=react-server --import tsx bench/bare-domain.ts (BARE_PORT, BARE_WORKERS 2)
import { AsyncLocalStorage } from "node:async_hooks";
import cluster from "node:cluster";
import http from "node:http";
import { redeemToken } from "@/lib/domain/certificates";
import { isAppError } from "@/lib/domain/errors";
import { systemPrincipal } from "@/lib/domain/access/principal";
import { createToken } from "@/lib/domain/tokens";

const port = Number(process.env.BARE_PORT ?? 4030);
const workers = Number(process.env.BARE_WORKERS ?? 2);
const ROUTE = /^\/frontdoor\/([0-9a-f-]{36})\/(certificate-request-tokens|client-certificates\/token)$/;
const principal = systemPrincipal("bench");

async function handle(req: http.IncomingMessage, body: string): Promise<{ status: number; body: unknown }> {
  const match = ROUTE.exec(req.url ?? "");
  if (req.method !== "POST" || !match) return { status: 404, body: { code: "not_found" } };
  const [, frontdoorId, door] = match as unknown as [string, string, string];
  const input = JSON.parse(body) as unknown;
  if (door === "certificate-request-tokens") return { status: 201, body: await createToken(principal, frontdoorId, input as never) };
  const secret = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
  const context = { ip: req.socket.remoteAddress ?? null, userAgent: req.headers["user-agent"] ?? null };
  return { status: 201, body: await redeemToken({ frontdoorId, secret, body: input, context }) };
}

// BARE_ALS=1: an AsyncLocalStorage in use, as in any process that has Next.js serve a request
// (Node 20 then runs async hooks on every promise).
if (process.env.BARE_ALS === "1") new AsyncLocalStorage().enterWith({ request: "bench" });

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  http
    .createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        handle(req, body).then(
          (answer) => {
            res.writeHead(answer.status, { "content-type": "application/json" });
            res.end(JSON.stringify(answer.body));
          },
          (error: unknown) => {
            res.writeHead(isAppError(error) ? (error.code === "token_already_used" ? 409 : 400) : 500, { "content-type": "application/json" });
            res.end(JSON.stringify({ code: isAppError(error) ? error.code : String(error) }));
          },
        );
      });
    })
    .listen(port, "127.0.0.1");
}
