import { AppError } from "@/lib/domain/errors";

// Request bodies: at most 64 KiB (by header and by what actually arrives), JSON only.

export const MAX_BODY_BYTES = 64 * 1024;

/** The raw body, at most `max` bytes (binary protocols: OCSP). */
export async function readBytes(request: Request, max = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) throw new AppError("payload_too_large", `The body is larger than ${max} bytes.`);
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

/** The parsed JSON body, or undefined when there is none (optional bodies such as a revocation reason). */
export async function readOptionalJson(request: Request, max = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(request, max);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof SyntaxError ? error.message : "Malformed JSON";
    throw new AppError("validation_failed", `The body is not valid JSON: ${message}`, [{ path: "(body)", message }]);
  }
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
