import type { Json } from "@/lib/openapi/helpers";

// Health for orchestrators, the Prometheus scrape, and the redeem client systems fetch.

const status = (values: string[], extra: Record<string, Json> = {}) => ({
  "application/json": { schema: { type: "object", required: ["status"], properties: { status: { type: "string", enum: values }, ...extra } } },
});

export const servicePaths: Record<string, Json> = {
  "/api/health/live": {
    get: {
      tags: ["Service"],
      operationId: "live",
      summary: "Liveness: the process answers",
      description: "Checks nothing else, so a database outage never gets the process restarted.",
      responses: { "200": { description: "Running", content: status(["ok"]) } },
    },
  },
  "/api/health/ready": {
    get: {
      tags: ["Service"],
      operationId: "ready",
      summary: "Readiness: should this instance get traffic",
      description:
        "Database reachable, every migration of this build applied, every Frontdoor's root and issuing CA present, every current issuing CA's key reachable in its key store (a PKCS#11 token present and its PIN right: otherwise `code` is `ca_key_unavailable`), not shutting down.",
      responses: {
        "200": { description: "Ready", content: status(["ready"]) },
        "503": { description: "Not ready, and why", content: status(["unavailable"], { code: { type: "string", enum: ["ca_key_unavailable"], description: "Present when a CA key cannot be reached" }, reason: { type: "string", example: "database unreachable: connect ECONNREFUSED 127.0.0.1:5432" } }) },
      },
    },
  },
  "/tools/certdoor-redeem.mjs": {
    get: {
      tags: ["Redemption"],
      operationId: "redeemTool",
      summary: "The standalone redeem client",
      description:
        "One self-contained ES module (Node.js ≥ 20, no npm install): `certdoor redeem` with the same flags, writing the same files (`key.pem`, `cert.pem`, `ca.pem`, `client.p12`). " +
        "For machines that have a token but no Certdoor: `curl -fsSO \"$CERTDOOR/tools/certdoor-redeem.mjs\" && node certdoor-redeem.mjs --server \"$CERTDOOR\" --frontdoor … --token crt_…`. " +
        "Later, `node certdoor-redeem.mjs renew --server … --frontdoor … --cert cert.pem --key key.pem` renews with the same key (`certdoor renew`: exit 3 while not due, for a daily timer). " +
        "The ETag (and `X-Content-SHA256`) is the file's SHA-256, which the console shows beside the token.",
      responses: {
        "200": {
          description: "The script",
          headers: { ETag: { schema: { type: "string" }, description: "The quoted SHA-256 of the file" }, "Cache-Control": { schema: { type: "string", example: "public, no-cache" } } },
          content: { "text/javascript": { schema: { type: "string" } } },
        },
        "304": { description: "If-None-Match named the current file" },
      },
    },
  },
  "/metrics": {
    get: {
      tags: ["Service"],
      operationId: "metrics",
      summary: "Prometheus metrics",
      description: "Prometheus text format, every worker of this instance. With `METRICS_TOKEN` set, send it as a bearer; without, only loopback callers are answered.",
      security: [{ metricsToken: [] }],
      responses: {
        "200": { description: "Exposition text", content: { "text/plain": { schema: { type: "string" } } } },
        "401": { description: "Wrong or missing METRICS_TOKEN" },
        "403": { description: "Not loopback, and no METRICS_TOKEN is set" },
      },
    },
  },
};
