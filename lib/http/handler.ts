import "server-only";
import { isAppError } from "@/lib/domain/errors";
import { appErrorResponse, problemResponse } from "@/lib/http/problem";
import { redactSecrets } from "@/lib/http/redact";

// The one wrapper for route handlers: every expected failure becomes problem+json with the
// contract's code; anything else is logged with a reference and answered as `internal`.

type RouteContext<P> = { params: Promise<P> };

export function route<P = Record<string, never>>(
  fn: (request: Request, params: P) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      return await fn(request, await context.params);
    } catch (error) {
      if (isAppError(error)) return appErrorResponse(error);
      const reference = crypto.randomUUID();
      // The path can hold a token secret (redemption by URL); it never reaches the log.
      console.error(`[api] ${request.method} ${redactSecrets(new URL(request.url).pathname)} failed (ref ${reference})`, error);
      return problemResponse("internal", `Something went wrong on our side (reference ${reference}).`);
    }
  };
}

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Cache-Control", "no-store");
  return Response.json(body, { status, headers: h });
}
