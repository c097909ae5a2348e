import { getCertificate, revokeCertificate } from "@/lib/domain/certificates";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readOptionalJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { RevokeCertificateInput } from "@/lib/validation/certificates";

type Params = { frontdoorId: string; certId: string };

/** One certificate, with its PEM and the CA chain. */
export const GET = route<Params>(async (request, { frontdoorId, certId }) => {
  const principal = await authenticateRequest(request);
  return json(await getCertificate(principal, frontdoorId, certId));
});

/** Revoke it; an optional body `{ "reason": "keyCompromise" }` goes on the CRL. */
export const DELETE = route<Params>(async (request, { frontdoorId, certId }) => {
  const principal = await authenticateRequest(request);
  await revokeCertificate(principal, frontdoorId, certId, (await readOptionalJson(request)) as RevokeCertificateInput);
  return new Response(null, { status: 204 });
});
