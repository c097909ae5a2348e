import { AppError } from "@/lib/domain/errors";
import { caCertificateDer } from "@/lib/domain/ca/trust";
import { route } from "@/lib/http/handler";
import { caCertificateResponse } from "@/lib/http/ca-certificate-response";

/** One issuing CA's certificate, DER, at `<caId>.crt`: what the CA Issuers pointer of a rotated-in CA's certificates names. */
export const GET = route<{ frontdoorId: string; caFile: string }>(async (_request, { frontdoorId, caFile }) => {
  const caId = /^([0-9a-f-]{36})\.crt$/.exec(caFile)?.[1];
  if (!caId) throw new AppError("ca_not_found", "CA certificates are at ca/<caId>.crt.");
  return caCertificateResponse(await caCertificateDer(frontdoorId, caId));
});
