import { AppError } from "@/lib/domain/errors";

// Request bodies: at most 64 KiB (by header and by what actually arrives), JSON only.
// bin/server.mjs refuses larger ones before Next.js reads them (bin/body-limit.mjs, which a
// test keeps equal to these); the doors count again, for every other way of serving the app.

export const MAX_BODY_BYTES = 64 * 1024;
/** Pages' POSTs (server actions): next.config.js's serverActions.bodySizeLimit and proxyClientMaxBodySize. */
export const MAX_ACTION_BODY_BYTES = 1024 * 1024;

/**
 * The body bin/lean-doors.mjs read off the socket before calling a hot door's handler, which
 * it hands over on the Request under this registry symbol instead of as a web stream: a
 * Request's body stream and its reading were a tenth of a hot request's serving CPU (issue 24).
 * Only server code can set it; Next.js's own Requests never carry it.
 */
const LEAN_BODY = Symbol.for("certdoor.leanBody");

/** The raw body, at most `max` bytes (binary protocols: OCSP). */
export async function readBytes(request: Request, max = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) throw new AppError("payload_too_large", `The body is larger than ${max} bytes.`);
  const given = (request as unknown as Record<symbol, unknown>)[LEAN_BODY];
  if (given instanceof Uint8Array) {
    if (given.byteLength > max) throw new AppError("payload_too_large", `The body is larger than ${max} bytes.`);
    return Buffer.from(given.buffer, given.byteOffset, given.byteLength);
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new AppError("payload_too_large", `The body is larger than ${max} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text, at most `max` bytes. */
export async function readText(request: Request, max = MAX_BODY_BYTES): Promise<string> {
  return new TextDecoder("utf-8", { fatal: false }).decode(await readBytes(request, max));
}

/**
 * The path of the first string (key or value) holding an unpaired surrogate ("\ud800"), or
 * null. JSON allows them; I-JSON (RFC 7493 §2.1) does not, and neither does PostgreSQL's
 * jsonb, where such a value met the audit log and failed the whole request as a 500.
 */
function unpairedSurrogateAt(body: unknown): string | null {
  const isBroken = (text: string) => /\p{Cs}/u.test(text);
  // Iterative, and paths built only for the one found: a 64 KiB body can nest 30,000 deep.
  type Visit = { value: unknown; key: string; parent: Visit | null; isIndex: boolean };
  const pathOf = (visit: Visit | null): string => {
    const parts: string[] = [];
    for (let v = visit; v?.parent; v = v.parent) parts.unshift(v.isIndex ? `[${v.key}]` : parts.length || v.parent.parent ? `.${v.key}` : v.key);
    return parts.join("").replace(/^\./, "") || "(body)";
  };
  const stack: Visit[] = [{ value: body, key: "", parent: null, isIndex: false }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    if (typeof visit.value === "string" && isBroken(visit.value)) return pathOf(visit);
    if (visit.value === null || typeof visit.value !== "object") continue;
    const isArray = Array.isArray(visit.value);
    for (const [key, value] of Object.entries(visit.value)) {
      const child = { value, key, parent: visit, isIndex: isArray };
      if (isBroken(key)) return pathOf(child);
      stack.push(child);
    }
  }
  return null;
}

/** The parsed JSON body, or undefined when there is none (optional bodies such as a revocation reason). */
export async function readOptionalJson(request: Request, max = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(request, max);
  if (text.trim() === "") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : "Malformed JSON";
    throw new AppError("validation_failed", `The body is not valid JSON: ${message}`, [{ path: "(body)", message }]);
  }
  const broken = unpairedSurrogateAt(body);
  if (broken) {
    const message = "Not valid Unicode: an unpaired surrogate (\\ud800–\\udfff)";
    throw new AppError("validation_failed", `${broken}: ${message}`, [{ path: broken, message }]);
  }
  return body;
}

/** The parsed JSON body; a missing or malformed one is validation_failed at path "(body)". */
export async function readJson(request: Request, max = MAX_BODY_BYTES): Promise<unknown> {
  const body = await readOptionalJson(request, max);
  if (body === undefined) throw new AppError("validation_failed", "The request needs a JSON body.", [{ path: "(body)", message: "Required" }]);
  return body;
}

/** Query parameters as a plain object (the last value wins). */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries());
}
