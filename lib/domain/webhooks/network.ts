import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { lookup as dnsLookupAll } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { refusalOf } from "@/lib/domain/webhooks/addresses";
import { AppError } from "@/lib/domain/errors";
import { env } from "@/lib/env";

// The only way Certdoor talks to a webhook endpoint. The target is judged twice: when it is
// registered (its host resolved now) and at every delivery, on the very addresses the
// socket connects to (a lookup hook that refuses before connecting), so a name that later
// resolves somewhere private (DNS rebinding) cannot get a request through. Redirects are not
// followed and no proxy is used, so the judged address is the one that gets the request.

export const DELIVERY_TIMEOUT_MS = 10_000;
const SNIPPET_CHARS = 500;
const SNIPPET_BYTES = 4 * SNIPPET_CHARS;

const refused = (detail: string) => new AppError("webhook_target_refused", detail);

/** The URL's scheme, then every address its host resolves to; throws webhook_target_refused. */
export async function checkWebhookUrl(raw: string): Promise<URL> {
  const url = new URL(raw);
  const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    throw refused(`Webhook URLs must use https:// (http:// only with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true); got ${url.protocol}//.`);
  }
  // Credentials in the URL would be a secret stored in clear and shown in every list.
  if (url.username || url.password) throw refused("Put no user name or password in the URL; receivers check the webhook-signature header instead.");
  if (allowPrivate) return url;
  const host = hostOf(url);
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await dnsLookupAll(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    throw refused(`${host} does not resolve to an address.`);
  }
  const why = addresses.map(refusalOf).find((r) => r !== null);
  if (why) throw refused(`${host} resolves to an address webhooks may not reach (${why}); webhooks go to public addresses only.`);
  return url;
}

/** The host as the socket layer wants it (IPv6 literals without their brackets). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/** dns.lookup that fails instead of returning an address a webhook may not reach. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const why = addresses.map((a) => refusalOf(a.address)).find((r) => r !== null);
    if (why) return callback(Object.assign(new Error(`refused: ${hostname} resolves to an address webhooks may not reach (${why})`), { code: "EREFUSEDTARGET" }), "", 0);
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return callback(null, first?.address ?? "", first?.family ?? 4);
  });
};

export type PostOutcome = { statusCode: number | null; latencyMs: number; responseSnippet: string | null; error: string | null };

/** POSTs a JSON body; never throws: a refused target, a timeout or a socket error is an outcome. */
export function postWebhook(rawUrl: string, body: string, headers: Record<string, string>): Promise<PostOutcome> {
  const started = performance.now();
  // A timeout the event loop fired late still counts as the timeout: the documented bound holds.
  const elapsed = () => Math.min(Math.round(performance.now() - started), DELIVERY_TIMEOUT_MS);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: Omit<PostOutcome, "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, latencyMs: elapsed() });
    };
    const fail = (error: string) => finish({ statusCode: null, responseSnippet: null, error });

    const url = new URL(rawUrl);
    const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE_NETWORKS;
    const host = hostOf(url);
    if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) return fail(`refused: ${url.protocol} URLs are not allowed`);
    // An IP literal never goes through lookup: it is judged here.
    const literalRefusal = !allowPrivate && isIP(host) ? refusalOf(host) : null;
    if (literalRefusal) return fail(`refused: ${literalRefusal}`);

    const transport = url.protocol === "https:" ? https : http;
    const request = transport.request(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "Certdoor-Webhooks/1" },
      agent: false,
      lookup: allowPrivate ? undefined : guardedLookup,
    });
    timer = setTimeout(() => {
      request.destroy();
      fail(`timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`);
    }, DELIVERY_TIMEOUT_MS);
    request.on("error", (error) => fail(error.message));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const text = Buffer.concat(chunks).toString("utf8").slice(0, SNIPPET_CHARS);
        finish({ statusCode: response.statusCode ?? null, responseSnippet: text || null, error: null });
        response.destroy();
      };
      // Only the first bytes are kept; a receiver streaming forever is cut off there.
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= SNIPPET_BYTES) done();
      });
      response.on("end", done);
      response.on("error", done);
    });
    request.end(body);
  });
}
