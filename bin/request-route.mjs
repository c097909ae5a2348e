// The route template of a request path, for logs and metric labels: ids become names, a
// token secret in a redemption URL never appears, and unknown paths collapse to a few
// values, so that no client can explode the metrics' label sets or write a secret to a log.

const ID = "[^/]+";
const TEMPLATES = [
  [`^/frontdoor/${ID}$`, "/frontdoor/{frontdoorId}"],
  [`^/frontdoor/${ID}/certificate-request-tokens$`, "/frontdoor/{frontdoorId}/certificate-request-tokens"],
  [`^/frontdoor/${ID}/certificate-request-tokens/batch$`, "/frontdoor/{frontdoorId}/certificate-request-tokens/batch"],
  [`^/frontdoor/${ID}/certificate-request-tokens/${ID}/(rotate|approvals)$`, "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}/$1"],
  [`^/frontdoor/${ID}/certificate-request-tokens/${ID}$`, "/frontdoor/{frontdoorId}/certificate-request-tokens/{tokenId}"],
  [`^/frontdoor/${ID}/client-certificates$`, "/frontdoor/{frontdoorId}/client-certificates"],
  [`^/frontdoor/${ID}/client-certificates/token$`, "/frontdoor/{frontdoorId}/client-certificates/token"],
  [`^/frontdoor/${ID}/client-certificates/token/.+$`, "/frontdoor/{frontdoorId}/client-certificates/token/{token}"],
  [`^/frontdoor/${ID}/client-certificates/renew$`, "/frontdoor/{frontdoorId}/client-certificates/renew"],
  [`^/frontdoor/${ID}/client-certificates/${ID}$`, "/frontdoor/{frontdoorId}/client-certificates/{certId}"],
  [`^/frontdoor/${ID}/(ca\\.pem|ca\\.crt|crl|ocsp)$`, "/frontdoor/{frontdoorId}/$1"],
  [`^/frontdoor/${ID}/crl/${ID}$`, "/frontdoor/{frontdoorId}/crl/{caId}"],
  [`^/frontdoor/${ID}/ca/${ID}$`, "/frontdoor/{frontdoorId}/ca/{caFile}"],
  [`^/frontdoor/${ID}/ocsp/.+$`, "/frontdoor/{frontdoorId}/ocsp/{request}"],
  [`^/frontdoor/${ID}/webhooks$`, "/frontdoor/{frontdoorId}/webhooks"],
  [`^/frontdoor/${ID}/webhooks/${ID}(/deliveries)?$`, "/frontdoor/{frontdoorId}/webhooks/{webhookId}$1"],
  [`^/\\.well-known/est/${ID}/(cacerts|simpleenroll)$`, "/.well-known/est/{frontdoorId}/$1"],
  [`^/scep/${ID}(/pkiclient\\.exe)?$`, "/scep/{frontdoorId}$1"],
  [`^/frontdoor/${ID}/scep/challenge$`, "/frontdoor/{frontdoorId}/scep/challenge"],
  ["^/(tokens|certificates|frontdoors|webhooks)/(?!new$|import$)[^/]+$", "/$1/{id}"],
  ["^/_next/.*$", "/_next/*"],
].map(([pattern, template]) => [new RegExp(pattern), template]);

const PAGES = new Set(["/", "/login", "/login/second-factor", "/setup-second-factor", "/redeem", "/docs", "/metrics", "/tokens", "/tokens/new", "/tokens/import", "/tokens/export", "/approvals", "/certificates", "/frontdoors", "/audit", "/settings", "/settings/users", "/settings/api-keys", "/settings/account", "/webhooks", "/api/health", "/api/health/live", "/api/health/ready", "/api/openapi.json", "/api/frontdoors", "/api/redeem/preview", "/tools/certdoor-redeem.mjs"]);

/** @param {string} url the request's URL (path and query) */
export function routeOf(url) {
  const path = (url.split("?")[0] ?? "/").replace(/\/+$/, "") || "/";
  for (const [pattern, template] of TEMPLATES) if (pattern.test(path)) return path.replace(pattern, template);
  if (PAGES.has(path)) return path;
  if (path.startsWith("/api/auth/")) return "/api/auth/*";
  return "other";
}
