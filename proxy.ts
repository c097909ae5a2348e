import { type NextRequest, NextResponse } from "next/server";
import { MAX_ACTION_BODY_BYTES } from "@/lib/http/body";
import { problemResponse } from "@/lib/http/problem";
import { contentSecurityPolicy, PERMISSIONS_POLICY } from "@/lib/http/security-headers";

// Every page gets a fresh nonce and the strict policy (Next.js's documented pattern: the
// policy on the request lets Next.js put the nonce on its own scripts; the same on the
// response makes the browser enforce it). The REST doors, EST, SCEP, OCSP and static files answer
// JSON, DER or immutable assets and are left out of the matcher, so the hot paths pay nothing.

/** Paths that are not pages: the first matcher below leaves them out (keep the two alike). */
const NOT_PAGES = /^\/(frontdoor\/|\.well-known\/|scep\/|api\/|metrics|_next\/static|_next\/image|favicon\.ico|icon\.svg|screenshots\/)/;

export async function proxy(request: NextRequest) {
  // A multipart POST is read by Next.js as a possible server action on any path a route
  // handler does not serve, and a body it cannot parse is a bare 500 (found by the HTTP fuzz
  // run). The second matcher brings every such POST here: read a copy first, and refuse a
  // broken one as the client's mistake. Next.js's own test is this case-sensitive prefix.
  if (request.method === "POST" && request.headers.get("content-type")?.startsWith("multipart/form-data")) {
    // No form is larger than a server action may be (bin/server.mjs refuses it before it gets here).
    if (Number(request.headers.get("content-length") ?? "0") > MAX_ACTION_BODY_BYTES) return problemResponse("payload_too_large", `The body is larger than ${MAX_ACTION_BODY_BYTES} bytes.`);
    const isReadable = await request.clone().formData().then(() => true, () => false);
    if (!isReadable) return problemResponse("validation_failed", "The form body could not be read: it is not valid multipart/form-data.");
  }
  if (NOT_PAGES.test(request.nextUrl.pathname)) return NextResponse.next();
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
      source: "/((?!frontdoor/|\\.well-known/|scep/|api/|metrics|_next/static|_next/image|favicon\\.ico|icon\\.svg|screenshots/).*)",
      // Prefetches render no new document: no policy needed.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // Multipart POSTs anywhere (see above); the policy headers stay on pages only.
    { source: "/((?!_next/static|_next/image).*)", has: [{ type: "header", key: "content-type", value: "multipart/form-data.*" }] },
  ],
};
