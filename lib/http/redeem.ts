import "server-only";
import { redeemToken } from "@/lib/domain/certificates";
import { AppError } from "@/lib/domain/errors";
import { readJson } from "@/lib/http/body";
import { addressKey, requestContextFrom } from "@/lib/http/client-info";
import { json } from "@/lib/http/handler";
import { appErrorResponse, type ErrorResponder } from "@/lib/http/problem";
import { RateLimited, tokenGuessLimiter, tokenGuessRule } from "@/lib/http/rate-limit";

// The doors where a token secret is the credential (both redemption paths, EST and the
// page's preview) share the guess limiter, counting failures (lib/http/rate-limit.ts): a
// known token costs the limiter nothing; each unknown one takes a point in PostgreSQL
// (shared by every instance), and past the limit the answer is 429. Guesses already in
// flight, and those reaching a worker that has not yet seen the refusal, are still looked up
// (one indexed read each); a 128-bit secret is not guessed that way.

export async function withTokenGuessLimit(request: Request, handle: () => Promise<Response>, respond: ErrorResponder = appErrorResponse): Promise<Response> {
  try {
    return await tokenGuessLimiter.around(addressKey(requestContextFrom(request.headers).ip), handle, tokenGuessRule);
  } catch (error) {
    if (error instanceof RateLimited) return respond(error, { "Retry-After": String(error.retryAfter) });
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
