import { createScepChallenge } from "@/lib/domain/scep/challenge";
import { authenticateApiKeyRequest } from "@/lib/http/authenticate";
import { route } from "@/lib/http/handler";
import { appErrorResponse, type ErrorResponder } from "@/lib/http/problem";

type Params = { frontdoorId: string };

/** Problems as everywhere, plus the Basic challenge MDMs need to retry with their credentials. */
const respond: ErrorResponder = (error, headers) => {
  const h = new Headers(headers);
  if (error.code === "unauthenticated") h.set("WWW-Authenticate", 'Basic realm="certdoor SCEP challenge", charset="UTF-8"');
  return appErrorResponse(error, h);
};

/** A fresh one-time SCEP challenge, as the bare text MDMs' dynamic challenge URLs read. */
export const GET = route<Params>(async (request, { frontdoorId }) => {
  const principal = await authenticateApiKeyRequest(request);
  const challenge = await createScepChallenge(principal, frontdoorId);
  return new Response(challenge.token, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}, respond);
