import "server-only";
import { redeemToken } from "@/lib/domain/certificates";
import { AppError, isAppError } from "@/lib/domain/errors";
import { readJson } from "@/lib/http/body";
import { requestContextFrom } from "@/lib/http/client-info";
import { json } from "@/lib/http/handler";
import { problemResponse } from "@/lib/http/problem";
import { tokenGuessLimiter } from "@/lib/http/rate-limit";

// The two redemption doors (token in the path, or in a Bearer header) share this: the
// guess limiter per client address, the body, and the 201 with the certificate.

export async function redeemResponse(request: Request, frontdoorId: string, secret: string | null): Promise<Response> {
  const context = requestContextFrom(request.headers);
  const key = context.ip ?? "unknown";
  const wait = tokenGuessLimiter.retryAfter(key);
  if (wait > 0) {
    return problemResponse("rate_limited", `Too many attempts with unknown tokens. Wait ${wait} seconds.`, { headers: { "Retry-After": String(wait) } });
  }
  try {
    if (!secret) throw new AppError("unauthenticated", "Send the token: POST …/client-certificates/token/{token}, or Authorization: Bearer crt_….");
    const certificate = await redeemToken({ frontdoorId, secret, body: await readJson(request), context });
    return json(certificate, 201, { Location: `/frontdoor/${frontdoorId}/client-certificates/${certificate.id}` });
  } catch (error) {
    if (isAppError(error) && error.code === "token_not_found") tokenGuessLimiter.hit(key);
    throw error;
  }
}
