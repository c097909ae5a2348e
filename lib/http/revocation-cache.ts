import "server-only";

/** Longest time a cache may keep a CRL or an OCSP answer: revocations must reach relying parties quickly. */
const MAX_AGE_SECONDS = 300;

/** Validators and freshness for revocation data valid from thisUpdate to nextUpdate (RFC 5019 §6). */
export function revocationCacheHeaders(validity: { thisUpdate: Date; nextUpdate: Date }, etag: string): Record<string, string> {
  const maxAge = Math.max(0, Math.min(MAX_AGE_SECONDS, Math.floor((validity.nextUpdate.getTime() - Date.now()) / 1000)));
  return {
    ETag: etag,
    "Last-Modified": validity.thisUpdate.toUTCString(),
    "Cache-Control": `public, max-age=${maxAge}, no-transform, must-revalidate`,
    Expires: validity.nextUpdate.toUTCString(),
  };
}
