import "server-only";
import { caChainPem } from "@/lib/domain/ca/trust";
import { redeemToken } from "@/lib/domain/certificates";
import { AppError } from "@/lib/domain/errors";
import { basicPasswordOf, bearerOf } from "@/lib/http/authenticate";
import { readBytes } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { type ErrorResponder, publicDetail } from "@/lib/http/problem";
import { withTokenGuessLimit } from "@/lib/http/redeem";
import { fromPem, splitPemChain, toPem } from "@/lib/pki/pem";
import { certsOnlyPkcs7 } from "@/lib/pki/pkcs7";

// EST (RFC 7030) is one more wire format in front of redemption: the token is the
// credential (as the Basic password, which is what EST clients send, or as a bearer), the
// body a base64 DER PKCS#10, the answer a base64 certs-only PKCS#7. Everything else (the
// subject from the token, single use, audit, failure accounting, the guess limit) is
// redemption's, unchanged. Failures are plain text, the medium EST clients print.

const BASIC_REALM = 'Basic realm="certdoor EST"';

/** EST's error medium: one line `code: detail`, with redemption's HTTP status for the code. */
export const estErrorResponse: ErrorResponder = (error, headers) => {
  const h = new Headers(headers);
  h.set("Content-Type", "text/plain; charset=utf-8");
  h.set("Cache-Control", "no-store");
  // RFC 7030 §3.2.3: a client that sent no credential retries after a Basic challenge.
  if (error.code === "unauthenticated") h.set("WWW-Authenticate", BASIC_REALM);
  return new Response(`${error.code}: ${publicDetail(error).replace(/\s*\n\s*/g, " ")}\n`, { status: error.status, headers: h });
};

/** The token: the password of HTTP Basic (the user name is ignored), or a bearer. */
function estCredential(request: Request): string | null {
  return /^Basic\s/i.test(request.headers.get("authorization") ?? "") ? basicPasswordOf(request) : bearerOf(request);
}

/**
 * The PKCS#10 of an EST body as PEM, for redemption's CSR check. RFC 7030 sends base64 of
 * the DER, which clients wrap at 64 or 76 columns; a PEM body is passed through as is.
 */
async function csrPemOf(request: Request): Promise<string> {
  const text = (await readBytes(request)).toString("latin1");
  if (text.includes("-----BEGIN")) return text;
  const base64 = text.replace(/\s+/g, "");
  if (!base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new AppError("invalid_csr", "The body must be a base64-encoded DER PKCS#10 certificate request (application/pkcs10).");
  }
  return toPem(Buffer.from(base64, "base64"), "CERTIFICATE REQUEST");
}

/** base64 with line breaks, as RFC 7030 §4 asks of every body (Content-Transfer-Encoding: base64). */
function pkcs7Response(certificatesPem: string[], contentType: string, cacheControl: string): Response {
  const der = certsOnlyPkcs7(certificatesPem.map((pem) => fromPem(pem, ["CERTIFICATE"])!));
  const body = `${(Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? []).join("\n")}\n`;
  return new Response(body, { headers: { "Content-Type": contentType, "Content-Transfer-Encoding": "base64", "Cache-Control": cacheControl } });
}

/** /cacerts: the Frontdoor's chain (issuing CA, then root), public like ca.pem. */
export async function estCaCertsResponse(frontdoorId: string): Promise<Response> {
  return pkcs7Response(splitPemChain(await caChainPem(frontdoorId)), "application/pkcs7-mime", "public, max-age=300");
}

/** /simpleenroll: a token and a CSR in, the issued certificate out; redemption's rules. */
export function estEnrollResponse(request: Request, frontdoorId: string): Promise<Response> {
  return withTokenGuessLimit(
    request,
    async () => {
      const secret = estCredential(request);
      if (!secret) throw new AppError("unauthenticated", "Send the certificate request token as the HTTP Basic password (any user name) or as Authorization: Bearer crt_….");
      const value = await csrPemOf(request);
      const certificate = await redeemToken({ frontdoorId, secret, body: { type: "CSR", value }, context: requestContextFrom(request.headers) });
      return pkcs7Response([certificate.certificate], "application/pkcs7-mime; smime-type=certs-only", "no-store");
    },
    estErrorResponse,
  );
}
