import "server-only";
import { AppError } from "@/lib/domain/errors";
import { scepCaCertificates, scepCapabilities } from "@/lib/domain/scep/ca-certs";
import { scepPkiOperation } from "@/lib/domain/scep/operation";
import { readBytes } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { type ErrorResponder, publicDetail } from "@/lib/http/problem";

// SCEP (RFC 8894) over HTTP: `operation=` picks GetCACaps, GetCACert or PKIOperation; a
// PKIOperation comes as a POST body (any content type: clients send application/octet-stream
// or application/x-pki-message) or as GET's base64 `message=`. Refusals of a SCEP message are
// signed CertReps (the domain's); only what cannot be answered that way is an HTTP error,
// plain text as SCEP clients print it.

/** SCEP's error medium: one line `code: detail`, the detail a caller may see (publicDetail). */
export const scepErrorResponse: ErrorResponder = (error, headers) => {
  const h = new Headers(headers);
  h.set("Content-Type", "text/plain; charset=utf-8");
  h.set("Cache-Control", "no-store");
  return new Response(`${error.code}: ${publicDetail(error).replace(/\s*\n\s*/g, " ")}\n`, { status: error.status, headers: h });
};

/** GET's message: base64 (standard or, as Go clients write it, URL-safe), its "+" possibly turned into spaces by the query's decoding. */
function queryMessage(url: URL): Buffer {
  const text = (url.searchParams.get("message") ?? "").replace(/ /g, "+").replace(/\s+/g, "");
  if (!text || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new AppError("validation_failed", "PKIOperation by GET needs the pkiMessage as base64 in `message=`.");
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

const binary = (body: Uint8Array, contentType: string, cacheControl = "no-store") =>
  new Response(new Uint8Array(body), { headers: { "Content-Type": contentType, "Cache-Control": cacheControl } });

/** One SCEP request, any operation. */
export async function scepResponse(request: Request, frontdoorId: string): Promise<Response> {
  const url = new URL(request.url);
  switch (url.searchParams.get("operation")) {
    case "GetCACaps":
      return new Response(await scepCapabilities(frontdoorId), { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=300" } });
    case "GetCACert":
      // Exactly this type: micromdm's scepclient reads a chain only under it.
      return binary(await scepCaCertificates(frontdoorId), "application/x-x509-ca-ra-cert", "public, max-age=300");
    case "PKIOperation": {
      const message = request.method === "POST" ? await readBytes(request) : queryMessage(url);
      return binary(await scepPkiOperation(frontdoorId, message, requestContextFrom(request.headers)), "application/x-pki-message");
    }
    default:
      throw new AppError("validation_failed", "Unknown SCEP operation: use operation=GetCACaps, GetCACert or PKIOperation.");
  }
}
