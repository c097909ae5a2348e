import "server-only";

/** A CA certificate as the CA Issuers pointer expects it: DER, application/pkix-cert. */
export function caCertificateResponse(der: Buffer): Response {
  return new Response(new Uint8Array(der), { headers: { "Content-Type": "application/pkix-cert", "Cache-Control": "public, max-age=300" } });
}
