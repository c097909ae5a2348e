import { type NextRequest, NextResponse } from "next/server";
import { problemResponse } from "@/lib/http/problem";
import { contentSecurityPolicy, PERMISSIONS_POLICY } from "@/lib/http/security-headers";

// Every page gets a fresh nonce and the strict policy (Next.js's documented pattern: the
// policy on the request lets Next.js put the nonce on its own scripts; the same on the
// response makes the browser enforce it). The REST doors, EST, OCSP and static files answer
// JSON, DER or immutable assets and are left out of the matcher, so the hot paths pay nothing.

/** A form body Next.js would try to read as a no-JavaScript server action submission. */
const FORM_TYPES = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

export async function proxy(request: NextRequest) {
  // Next.js answers a form POST whose body it cannot parse with a bare 500 (found by the
  // HTTP fuzz run): read it here first, from a copy, and refuse it as the client's mistake.
  if (request.method === "POST" && FORM_TYPES.test(request.headers.get("content-type") ?? "")) {
    const isReadable = await request.clone().formData().then(() => true, () => false);
    if (!isReadable) return problemResponse("validation_failed", "The form body could not be read: it is not valid multipart/form-data or URL-encoded form data.");
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.set("Permissions-Policy", PERMISSIONS_POLICY);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!frontdoor/|\\.well-known/|api/|metrics|_next/static|_next/image|favicon\\.ico|icon\\.svg|screenshots/).*)",
      // Prefetches render no new document: no policy needed.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
