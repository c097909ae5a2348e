import "server-only";
import { isDatabaseUnavailable, unavailableLogFields } from "@/lib/db/unavailable";
import { AppError, databaseUnavailable, isAppError } from "@/lib/domain/errors";
import { appErrorResponse, type ErrorResponder } from "@/lib/http/problem";
import { actorOfRequest } from "@/lib/http/authenticate";
import { redactSecrets } from "@/lib/http/redact";
import { logger } from "@/lib/observability/log";

// The one wrapper for route handlers: every expected failure becomes problem+json with the
// contract's code; anything else is logged with a reference and answered as `internal`.
// A protocol with its own error medium (EST's plain text) passes its own responder.

type RouteContext<P> = { params: Promise<P> };

/**
 * Next.js hands path segments over URL-decoded, so "%00" arrives as a NUL, which PostgreSQL
 * text cannot hold: every lookup with one failed as a 500. No id or secret contains one; as
 * U+FFFD it still names nothing, and the domain answers in its usual order (unauthenticated,
 * frontdoor_not_found, forbidden, token_not_found, …).
 */
function withoutNul<P>(params: P): P {
  const clean = (value: unknown): unknown => (typeof value === "string" ? value.replaceAll("\0", "\ufffd") : Array.isArray(value) ? value.map(clean) : value);
  return Object.fromEntries(Object.entries(params as Record<string, unknown>).map(([key, value]) => [key, clean(value)])) as P;
}

const log = logger("api");

/** Names the principal for the request log line (bin/observe.mjs, which removes the header before sending). */
function withActor(request: Request, response: Response): Response {
  const actor = actorOfRequest(request);
  if (actor) {
    try {
      // Percent-encoded: header values are bytes, and labels carry "…" and any email.
      response.headers.set("x-certdoor-principal", encodeURIComponent(actor));
    } catch {
      // an immutable response (a redirect): logged without its principal
    }
  }
  return response;
}

export function route<P = Record<string, never>>(
  fn: (request: Request, params: P) => Promise<Response>,
  respond: ErrorResponder = appErrorResponse,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      return withActor(request, await fn(request, withoutNul((await context.params) ?? ({} as P))));
    } catch (error) {
      if (isAppError(error)) return withActor(request, respond(error));
      if (isDatabaseUnavailable(error)) {
        log.warn({ requestId: request.headers.get("x-request-id"), method: request.method, err: unavailableLogFields(error) }, "database unavailable: answered 503");
        return withActor(request, respond(databaseUnavailable()));
      }
      const reference = crypto.randomUUID();
      // The path can hold a token secret (redemption by URL); it never reaches the log.
      log.error({ requestId: request.headers.get("x-request-id"), reference, method: request.method, path: redactSecrets(new URL(request.url).pathname), err: error }, `request failed (ref ${reference})`);
      return respond(new AppError("internal", `Something went wrong on our side (reference ${reference}).`));
    }
  };
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Cache-Control", "no-store");
  return Response.json(body, { status, headers: h });
}
