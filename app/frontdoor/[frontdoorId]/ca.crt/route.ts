import { caCertificateDer } from "@/lib/domain/ca/trust";
import { route } from "@/lib/http/handler";
import { caCertificateResponse } from "@/lib/http/ca-certificate-response";

/**
 * The Frontdoor's first issuing CA certificate, DER: what the CA Issuers pointer in every
 * certificate from before a CA rotation names (RFC 5280 §4.2.2.1 asks for DER at an HTTP address).
 */
export const GET = route<{ frontdoorId: string }>(async (_request, { frontdoorId }) => caCertificateResponse(await caCertificateDer(frontdoorId)));
