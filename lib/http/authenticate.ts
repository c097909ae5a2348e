import "server-only";
import { principalFromSession } from "@/lib/auth/session";
import { authenticateApiKey } from "@/lib/domain/access/api-keys";
import { AppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { requestContextFrom } from "@/lib/http/client-info";

// Management endpoints take `Authorization: Bearer cdk_…`. Safe (read-only) methods also
// accept the console's session cookie, so the console's live tables can use the same API;
// state-changing methods never do, which keeps cross-site requests from riding a session.

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export function bearerOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** The password of HTTP Basic (the user name is ignored), or null. */
export function basicPasswordOf(request: Request): string | null {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!basic) return null;
  const pair = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = pair.indexOf(":");
  return colon >= 0 && colon < pair.length - 1 ? pair.slice(colon + 1) : null;
}

function hasSessionCookie(request: Request): boolean {
  return /(?:^|;\s*)(?:__Secure-)?authjs\.session-token(?:\.\d+)?=/.test(request.headers.get("cookie") ?? "");
}

/** Who each request acted as, for its log line (route() reads it; never a secret). */
const actors = new WeakMap<Request, string>();
export const actorOfRequest = (request: Request) => actors.get(request);

export async function authenticateRequest(request: Request): Promise<UserPrincipal> {
  const principal = await authenticate(request);
  actors.set(request, principal.apiKeyLabel ? `${principal.email} (${principal.apiKeyLabel})` : principal.email);
  return principal;
}

/**
 * Doors for machines that can only send HTTP Basic (an MDM's "dynamic challenge URL"): an
 * API key as the Basic password (any user name) or as a bearer; never a session cookie,
 * so no page another site opens can make a signed-in browser call them.
 */
export async function authenticateApiKeyRequest(request: Request): Promise<UserPrincipal> {
  const key = basicPasswordOf(request) ?? bearerOf(request);
  const principal = key ? await authenticateApiKey(key, requestContextFrom(request.headers)) : null;
  if (!principal) throw new AppError("unauthenticated", "Send an API key (cdk_…) of an administrator or member operator as the HTTP Basic password, any user name.");
  actors.set(request, principal.apiKeyLabel ? `${principal.email} (${principal.apiKeyLabel})` : principal.email);
  return principal;
}

async function authenticate(request: Request): Promise<UserPrincipal> {
  const context = requestContextFrom(request.headers);
  const bearer = bearerOf(request);
  if (bearer) {
    const principal = await authenticateApiKey(bearer, context);
    if (!principal) throw new AppError("unauthenticated", "The API key is unknown, revoked, or its owner is disabled.");
    return principal;
  }
  if (SAFE_METHODS.has(request.method) && hasSessionCookie(request)) {
    const principal = await principalFromSession(context);
    if (principal) return principal;
  }
  throw new AppError("unauthenticated", "Send an API key: Authorization: Bearer cdk_…");
}
