// The hot doors, served in front of Next.js's request pipeline (issue 24). A fleet's
// enrolment lands on a handful of doors, and on those, Next.js's router, its request
// wrappers and async storage cost several times the work itself. Here bin/server.mjs hands a
// request for one of them straight to the door's own route handler: the very function
// Next.js would call, so every rule, answer, audit event, limit and metric is the door's,
// written once (lib/http, lib/domain). Nothing is implemented twice; only the framing Next.js
// adds around a route handler's Response is done here, as Next.js does it (see serve()).
//
// One instance of everything: the handlers are taken from the production build's own route
// entries (.next/server/app/…/route.js), required by their absolute path, which is how
// Next.js itself loads them (next/dist/server/require.js requirePage); Node's module cache
// and the bundle's single module registry ([turbopack]_runtime.js) then hand Next.js and
// this file the same module instances: the same Prisma client and pg pool, rate limiters and
// their memory, API key cache, metrics registry and logger. A second build of the domain
// code (tsx, a separate bundle) would have made a second copy of each of those.
//
// A request is served here only when it is plainly one of these doors: the method, a path
// with no percent-escape and no trailing slash, a body announced by Content-Length, and none
// of Next.js's own request headers (server actions, RSC). Anything else, a multipart body
// (proxy.ts checks those), a chunked one (bin/body-limit.mjs counts those as they arrive),
// goes to Next.js as before. So does every request when the build's shape is not the one
// expected (a Next.js upgrade): the doors then only lose speed, never behaviour.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const ID = "([A-Za-z0-9_-]{1,200})";

/** The route table: method, path, the app route whose handler serves it, its parameters, and its template for metrics. */
export const LEAN_DOORS = [
  { method: "POST", path: new RegExp(`^/frontdoor/${ID}/client-certificates/token$`), route: "/frontdoor/[frontdoorId]/client-certificates/token", params: ["frontdoorId"] },
  { method: "POST", path: new RegExp(`^/frontdoor/${ID}/client-certificates/token/${ID}$`), route: "/frontdoor/[frontdoorId]/client-certificates/token/[token]", params: ["frontdoorId", "token"] },
  { method: "POST", path: new RegExp(`^/frontdoor/${ID}/certificate-request-tokens$`), route: "/frontdoor/[frontdoorId]/certificate-request-tokens", params: ["frontdoorId"] },
  { method: "POST", path: new RegExp(`^/\\.well-known/est/${ID}/simpleenroll$`), route: "/.well-known/est/[frontdoorId]/simpleenroll", params: ["frontdoorId"] },
  { method: "POST", path: new RegExp(`^/scep/${ID}$`), route: "/scep/[frontdoorId]", params: ["frontdoorId"] },
  { method: "POST", path: new RegExp(`^/scep/${ID}/pkiclient\\.exe$`), route: "/scep/[frontdoorId]/pkiclient.exe", params: ["frontdoorId"] },
].map((door) => ({ ...door, template: door.route.replace(/\[(\w+)\]/g, "{$1}") }));

/** Request headers by which Next.js would treat a request as something other than a plain route call. */
const NEXT_REQUEST_HEADERS = ["next-action", "rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-url"];

/** The Vary Next.js puts on every app route's answer (base-server.js setVaryHeader). */
const APP_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

/** Response headers Next.js does not copy from a handler's Response (send-response.js), and those it may repeat. */
const NOT_COPIED = new Set(["content-length", "content-encoding", "transfer-encoding", "x-middleware-set-cookie"]);
const REPEATABLE = new Set(["www-authenticate", "proxy-authenticate", "vary"]);

/** lib/http/body.ts's symbol for a body already read. */
const LEAN_BODY = Symbol.for("certdoor.leanBody");

const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** Which door a request is for, with its parameters, or null (then Next.js serves it). */
export function leanDoorOf(req) {
  const url = req.url ?? "";
  const query = url.indexOf("?");
  const pathname = query < 0 ? url : url.slice(0, query);
  for (const door of LEAN_DOORS) {
    if (req.method !== door.method) continue;
    const match = door.path.exec(pathname);
    if (!match) continue;
    const headers = req.headers;
    if (headers["content-length"] === undefined || headers["transfer-encoding"] !== undefined) return null;
    if (/multipart/i.test(String(headers["content-type"] ?? ""))) return null;
    if (NEXT_REQUEST_HEADERS.some((name) => headers[name] !== undefined)) return null;
    // A Host the URL parser refuses (a port over 65535, an impossible address) is Next.js's to answer.
    if (!HOST.test(String(headers.host ?? "localhost")) || !URL.canParse(`http://${headers.host ?? "localhost"}/`)) return null;
    const params = {};
    door.params.forEach((name, i) => (params[name] = match[i + 1]));
    return { door, params, pathname };
  }
  return null;
}

/**
 * Loads the doors' handlers from the production build in `distDir`, once at start. Null
 * (Next.js serves everything) when a handler cannot be found where Next.js keeps it, or when
 * the build routes one of these paths through a redirect or rewrite.
 */
export async function loadLeanDoors(distDir, { onError } = {}) {
  const require = createRequire(path.join(distDir, "package.json"));
  const manifest = JSON.parse(readFileSync(path.join(distDir, "routes-manifest.json"), "utf8"));
  const handlers = new Map();
  for (const door of LEAN_DOORS) {
    const entry = require(path.join(distDir, "server", "app", `${door.route}/route.js`));
    const routeModule = entry?.routeModule;
    if (typeof routeModule?.ensureUserland !== "function") return null;
    await routeModule.ensureUserland();
    const handler = routeModule.userland?.[door.method];
    if (typeof handler !== "function") return null;
    handlers.set(door.route, handler);
  }
  const rerouted = [...(manifest.redirects ?? []), ...Object.values(manifest.rewrites ?? {}).flat()].map((r) => new RegExp(r.regex));
  const sample = (door) => door.route.replace(/\[\w+\]/g, "crt_0123456789abcdefABCDEF");
  if (LEAN_DOORS.some((door) => rerouted.some((re) => re.test(sample(door))))) return null;
  // Next.js compresses answers with this very middleware, unless next.config says compress: false.
  const nextConfig = JSON.parse(readFileSync(path.join(distDir, "required-server-files.json"), "utf8")).config ?? {};
  return leanDoorServer({ handlers, headerRules: manifest.headers ?? [], isCompressed: nextConfig.compress !== false, onServed: await leanCounter(), onError });
}

/** Counts what the lean path served, by door (bin/server.mjs counts every request as well), in the registry /metrics reads. */
async function leanCounter() {
  const { default: client } = await import("prom-client");
  const counter = new client.Counter({ name: "certdoor_http_lean_requests_total", help: "HTTP requests served by the hot doors' lean path, by route template", labelNames: ["route"] });
  const byDoor = new Map(LEAN_DOORS.map((door) => [door, counter.labels({ route: door.template })]));
  return (door) => byDoor.get(door)?.inc();
}

/**
 * The serving half: `handlers` by route (the build's, or in tests the route modules'),
 * next.config's header rules as routes-manifest.json holds them ({ regex, headers, has, missing }).
 * serve() answers true when it took the request; false leaves it to Next.js.
 */
export function leanDoorServer({ handlers, headerRules, isCompressed = true, onServed, onError = (error) => console.error(error) }) {
  const require = createRequire(import.meta.url);
  const compress = isCompressed ? require("next/dist/compiled/compression")() : null;
  const { releaseCompressionStream } = require("next/dist/server/lib/release-compression-stream");
  const rules = headerRules.map((rule) => ({ regex: new RegExp(rule.regex), headers: rule.headers, isConditional: Boolean(rule.has?.length || rule.missing?.length) }));

  /** next.config's headers for a path, or null when a rule with conditions applies (Next.js decides those). */
  const configHeaders = (pathname) => {
    const out = [];
    for (const rule of rules) {
      if (!rule.regex.test(pathname)) continue;
      if (rule.isConditional) return null;
      out.push(...rule.headers);
    }
    return out;
  };

  async function answer(req, res, { door, params }, body) {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.append(name, value);
    }
    // The body goes over as bytes (lib/http/body.ts readBytes takes it from LEAN_BODY), not as a
    // web stream: making and reading that stream cost more than the rest of the framing.
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, { method: req.method, headers });
    request[LEAN_BODY] = body;
    const response = await handlers.get(door.route)(request, { params: Promise.resolve(params) });
    // As send-response.js: status, the handler's headers (each once, but those that may repeat), then the body.
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      if (NOT_COPIED.has(name)) return;
      if (REPEATABLE.has(name) || res.getHeader(name) === undefined) res.appendHeader(name, value);
    });
    const bytes = response.body ? Buffer.from(await response.arrayBuffer()) : null;
    if (bytes && bytes.length > 0) res.write(bytes);
    res.end();
  }

  return {
    /** @param {import("node:http").IncomingMessage} req @param {import("node:http").ServerResponse} res @param {NonNullable<ReturnType<typeof leanDoorOf>>} found */
    serve(req, res, found) {
      const extra = configHeaders(found.pathname);
      if (!extra || !handlers.has(found.door.route)) return false;
      onServed?.(found.door);
      // In Next.js's order: compression first (router-server.js), then next.config's headers, then the app route's Vary.
      if (compress) {
        compress(req, res, () => {});
        res.once("close", () => res.writableFinished || releaseCompressionStream(res));
      }
      for (const { key, value } of extra) res.setHeader(key, value);
      res.appendHeader("vary", APP_VARY);
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        answer(req, res, found, Buffer.concat(chunks)).catch((error) => {
          // The route handler answers every failure itself (lib/http/handler.ts); this is the transport failing.
          onError(error);
          if (res.headersSent) res.destroy(error);
          else {
            for (const name of res.getHeaderNames()) if (name !== "strict-transport-security" && name !== "x-request-id") res.removeHeader(name);
            res.statusCode = 500;
            res.setHeader("content-type", "application/problem+json");
            res.setHeader("cache-control", "no-store");
            res.end(JSON.stringify({ type: "https://certdoor.dev/problems/internal", title: "Internal error", status: 500, detail: "Internal error", code: "internal" }));
          }
        });
      });
      return true;
    },
  };
}
