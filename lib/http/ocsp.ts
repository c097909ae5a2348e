import "server-only";
import { createHash } from "node:crypto";
import type { OcspReply } from "@/lib/domain/certificates/ocsp";

/** Longest time a cache may keep an answer: revocations must reach relying parties quickly. */
const MAX_AGE_SECONDS = 300;

/** An OCSP reply over HTTP (RFC 5019 §6: cache validators from thisUpdate/nextUpdate). */
export function ocspResponse(reply: OcspReply): Response {
  const headers: Record<string, string> = { "Content-Type": "application/ocsp-response" };
  if (reply.isCacheable) {
    const maxAge = Math.max(0, Math.min(MAX_AGE_SECONDS, Math.floor((reply.nextUpdate.getTime() - Date.now()) / 1000)));
    headers["Cache-Control"] = `public, max-age=${maxAge}, no-transform, must-revalidate`;
    headers["Last-Modified"] = reply.thisUpdate.toUTCString();
    headers.Expires = reply.nextUpdate.toUTCString();
    headers.ETag = `"${createHash("sha1").update(reply.der).digest("hex")}"`;
  } else {
    headers["Cache-Control"] = "no-store";
  }
  return new Response(Buffer.from(reply.der), { headers });
}
