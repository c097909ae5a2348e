import "server-only";
import { redeemToken } from "@/lib/domain/certificates";
import { AppError, isAppError } from "@/lib/domain/errors";
import { readJson } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { json } from "@/lib/http/handler";
import { appErrorResponse, type ErrorResponder } from "@/lib/http/problem";
import { tokenGuessLimiter } from "@/lib/http/rate-limit";

// The doors where a token secret is the credential (both redemption paths and the page's
// preview) share the guess limiter. It costs a legitimate redemption nothing: only an
// unknown token is counted (in PostgreSQL, shared by every instance), and an address over
// the limit is refused before any lookup once this process has seen it go over.

const tooMany = (wait: number, respond: ErrorResponder) =>
  respond(new AppError("rate_limited", `Too many attempts with unknown tokens. Wait ${wait} seconds.`), { "Retry-After": String(wait) });

export async function withTokenGuessLimit(request: Request, handle: () => Promise<Response>, respond: ErrorResponder = appErrorResponse): Promise<Response> {
  const key = requestContextFrom(request.headers).ip ?? "unknown";
  const blocked = tokenGuessLimiter.blockedHere(key);
  if (blocked > 0) return tooMany(blocked, respond);
  try {
    return await handle();
  } catch (error) {
    if (isAppError(error) && error.code === "token_not_found") {
      const wait = await tokenGuessLimiter.hit(key);
      if (wait > 0) return tooMany(wait, respond);
    }
    throw error;
  }
}

/** Redemption: the body, the domain call, the 201 with the certificate. */
export function redeemResponse(request: Request, frontdoorId: string, secret: string | null): Promise<Response> {
  return withTokenGuessLimit(request, async () => {
    if (!secret) throw new AppError("unauthenticated", "Send the token: POST …/client-certificates/token/{token}, or Authorization: Bearer crt_….");
    const context = requestContextFrom(request.headers);
    const certificate = await redeemToken({ frontdoorId, secret, body: await readJson(request), context });
    return json(certificate, 201, { Location: `/frontdoor/${frontdoorId}/client-certificates/${certificate.id}` });
  });
}
