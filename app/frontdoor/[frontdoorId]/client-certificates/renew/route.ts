import { renewCertificate } from "@/lib/domain/certificates/renew";
import { readJson } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { json, route } from "@/lib/http/handler";

/**
 * Renewal with the current certificate and a CSR from its key: no bearer, the key is the
 * credential. 201 with the new certificate; 200 with the newest of its line when it was
 * renewed before (nothing issued), so a retry or a replayed CSR never locks the holder out.
 */
export const POST = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const { certificate, isReplay } = await renewCertificate({ frontdoorId, body: await readJson(request), context: requestContextFrom(request.headers) });
  const where = `/frontdoor/${frontdoorId}/client-certificates/${certificate.id}`;
  return isReplay ? json(certificate, 200, { "Content-Location": where }) : json(certificate, 201, { Location: where });
});
