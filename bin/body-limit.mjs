// Request body limits, enforced by bin/server.mjs before Next.js reads a byte of the body.
// Next.js buffers the body of every request its proxy (proxy.ts) sees, up to
// proxyClientMaxBodySize, before any of our code can look at it, and a door reads it only
// after routing: a request announcing 9 MiB was read whole before its 413. Here a body is
// refused by its Content-Length at once, and a body without one (chunked) as soon as the
// bytes that arrived pass the limit, counted where the HTTP parser hands them over.

/** The REST doors, EST, OCSP (lib/http/body.ts MAX_BODY_BYTES; a test keeps the two equal). */
export const MAX_DOOR_BODY_BYTES = 64 * 1024;
/** Token batches: up to 1,000 rows of CSV or JSON (the batch route's MAX_BATCH_BYTES). */
export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;
/** Pages, whose POSTs are server actions (next.config.js: serverActions.bodySizeLimit, proxyClientMaxBodySize). */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

const DOORS = /^\/(frontdoor\/|frontdoors\/?$|\.well-known\/|api\/|metrics|tools\/)/;
const BATCH = /^\/frontdoor\/[^/]+\/certificate-request-tokens\/batch\/?$/;

/**
 * The most a request to this URL may send. A path written so that Next.js routes it
 * elsewhere (`//frontdoor/…`) gets at most the pages' limit, and each door still counts its
 * own body (lib/http/body.ts).
 * @param {string | undefined} url the request target (path and query)
 */
export function bodyLimitOf(url) {
  // The path as Next.js routes it: an absolute-form target (`POST http://host/frontdoor/…`)
  // reaches the same door as its origin form and gets the same limit.
  let path;
  try {
    path = new URL(String(url ?? ""), "http://certdoor.invalid").pathname;
  } catch {
    path = String(url ?? "").split("?")[0] ?? "";
  }
  if (BATCH.test(path)) return MAX_BATCH_BODY_BYTES;
  return DOORS.test(path) ? MAX_DOOR_BODY_BYTES : MAX_ACTION_BODY_BYTES;
}

/** The body lib/http/problem.ts would write for payload_too_large (a test keeps the two equal). @param {number} limit */
export function payloadTooLargeProblem(limit) {
  return { type: "https://certdoor.dev/problems/payload-too-large", title: "Payload too large", status: 413, detail: `The body is larger than ${limit} bytes.`, code: "payload_too_large" };
}

/**
 * Answers 413 and closes the connection: the rest of the body is never read.
 * @param {import("node:http").ServerResponse} res
 * @param {number} limit
 */
function answerTooLarge(res, limit) {
  res.writeHead(413, { "Content-Type": "application/problem+json", "Cache-Control": "no-store", Connection: "close" });
  res.end(JSON.stringify(payloadTooLargeProblem(limit)));
}

/** Whether the request announces a body over its limit. @param {import("node:http").IncomingMessage} req */
function isDeclaredTooLarge(req) {
  const declared = req.headers["content-length"];
  return declared !== undefined && Number(declared) > bodyLimitOf(req.url);
}

/**
 * Refuses a body over the request's limit: by Content-Length before anything is read (true:
 * answered, do not hand the request on), or, without one, once the bytes received pass the
 * limit. Then the body stops at what was received, the 413 goes out if nothing else has
 * been answered yet, and the connection closes, which fails the app's unfinished read.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
export function refuseOversizedBody(req, res) {
  const limit = bodyLimitOf(req.url);
  if (isDeclaredTooLarge(req)) {
    answerTooLarge(res, limit);
    return true;
  }
  if (req.headers["content-length"] !== undefined) return false; // the parser stops at the announced length
  const push = req.push;
  let received = 0;
  let isOver = false;
  /** @type {typeof req.push} */
  req.push = function (chunk, encoding) {
    if (isOver) return false;
    if (chunk !== null && chunk !== undefined) received += chunk.length;
    if (received <= limit) return push.call(this, chunk, encoding);
    isOver = true;
    const close = () => req.socket.destroy();
    if (res.headersSent) close();
    else {
      res.once("finish", close);
      answerTooLarge(res, limit);
    }
    return false;
  };
  return false;
}

/**
 * "Expect: 100-continue": a client waiting for leave to send its body hears 413 instead of
 * 100 (Node.js answers 100 by itself only while nobody listens for checkContinue).
 * @param {import("node:http").Server} server
 */
export function answerExpectContinue(server) {
  server.on("checkContinue", (req, res) => {
    if (!isDeclaredTooLarge(req)) res.writeContinue();
    server.emit("request", req, res);
  });
}
