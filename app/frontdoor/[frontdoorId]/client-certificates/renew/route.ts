import { renewCertificate } from "@/lib/domain/certificates/renew";
import { readJson } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { json, route } from "@/lib/http/handler";

/** Renewal with the current certificate and a CSR from its key: no bearer, the key is the credential. */
export const POST = route<{ frontdoorId: string }>(async (request, { frontdoorId }) => {
  const certificate = await renewCertificate({ frontdoorId, body: await readJson(request), context: requestContextFrom(request.headers) });
  return json(certificate, 201, { Location: `/frontdoor/${frontdoorId}/client-certificates/${certificate.id}` });
});
