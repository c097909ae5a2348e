import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { ChallengePassword } from "@peculiar/asn1-pkcs9";

// A stand-in for Microsoft's side of Intune SCEP validation, on 127.0.0.1, speaking the
// contract Microsoft publishes with its validation libraries (Intune-Resource-Access,
// src/CsrValidation): Entra ID's client-credentials token endpoint, Microsoft Graph's
// endpoints of the Intune service principal, and the ScepActions of the validation service.
// It checks what a real service would refuse (credentials, bearer tokens per resource, the
// api-version and client-request-id headers, the body's shape) and validates a request when
// its CSR carries a challenge the test handed out. Like Microsoft's service it validates a
// challenge as often as it is asked (it says whether Intune made it, not whether it was used:
// single use is the CA's to enforce), so a test that sees a replay refused proves Certdoor's
// guard, not the stand-in's. Everything it received is recorded.

/** The Entra ID app the tests give their Frontdoors. */
export const INTUNE_TEST_CREDENTIALS = { tenantId: "contoso.onmicrosoft.com", clientId: "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f", clientSecret: "intune~app~secret" };

export const STAND_IN_INTUNE_SCOPE = "https://api.manage.microsoft.com//.default";
const INTUNE_APP_ID = "0000000a-0000-0000-c000-000000000000";
const SERVICE_PATH = "/RACerts/ScepRequestValidationFEService/Gateway/StatelessScepRequestValidationService";

export type StandInCall = { path: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> };

export type StandInOptions = { tenantId: string; clientId: string; clientSecret: string; tokenLifetimeSeconds?: number };

/** The challenge password of a base64 DER PKCS#10, or null. */
function challengeOf(base64: string): string | null {
  const request = AsnConvert.parse(Buffer.from(base64, "base64"), CertificationRequest);
  const attribute = request.certificationRequestInfo.attributes.find((a) => a.type === "1.2.840.113549.1.9.7");
  return attribute?.values[0] ? AsnConvert.parse(attribute.values[0], ChallengePassword).toString() : null;
}

export async function startIntuneStandIn(options: StandInOptions) {
  const challenges = new Set<string>();
  const tokens = new Map<string, string>(); // access token → scope
  const calls: StandInCall[] = [];
  const tokenRequests: { scope: string }[] = [];
  let base = "";
  let validationDelayMs = 0;

  const answer = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const scopeOf = (req: http.IncomingMessage) => tokens.get(/^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "") ?? null;

  function token(res: http.ServerResponse, tenant: string, form: URLSearchParams) {
    if (tenant !== options.tenantId) return answer(res, 400, { error: "invalid_request", error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
    if (form.get("grant_type") !== "client_credentials") return answer(res, 400, { error: "unsupported_grant_type", error_description: "AADSTS70003: unsupported grant type" });
    if (form.get("client_id") !== options.clientId) return answer(res, 400, { error: "unauthorized_client", error_description: `AADSTS700016: Application with identifier '${form.get("client_id")}' was not found in the directory.` });
    if (form.get("client_secret") !== options.clientSecret) return answer(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
    const scope = form.get("scope") ?? "";
    tokenRequests.push({ scope });
    const accessToken = randomUUID();
    tokens.set(accessToken, scope);
    answer(res, 200, { token_type: "Bearer", expires_in: options.tokenLifetimeSeconds ?? 3599, access_token: accessToken });
  }

  function endpoints(req: http.IncomingMessage, res: http.ServerResponse) {
    if (scopeOf(req) !== `${base}/.default`) return answer(res, 401, { error: { code: "InvalidAuthenticationToken", message: "Access token validation failure." } });
    answer(res, 200, {
      value: [
        { capability: "Intune", providerId: randomUUID(), providerName: "SomeOtherService", uri: `${base}/RACerts/Other` },
        { capability: "ScepRequestValidationFQDN", providerId: randomUUID(), providerName: "ScepRequestValidationFEService", uri: `${base}${SERVICE_PATH}` },
      ],
    });
  }

  function scepAction(req: http.IncomingMessage, res: http.ServerResponse, action: string, body: Record<string, unknown>) {
    if (scopeOf(req) !== STAND_IN_INTUNE_SCOPE) return answer(res, 401, { error: "token not valid for Intune" });
    if (req.headers["api-version"] !== "2018-02-20" || !/^[0-9a-f-]{36}$/.test(String(req.headers["client-request-id"]))) return answer(res, 400, { error: "api-version and client-request-id are required" });
    const inner = (action === "validateRequest" ? body.request : body.notification) as Record<string, unknown> | undefined;
    if (!inner || typeof inner.transactionId !== "string" || typeof inner.certificateRequest !== "string" || typeof inner.callerInfo !== "string") {
      return answer(res, 400, { error: "transactionId, certificateRequest and callerInfo are required" });
    }
    if (action !== "validateRequest") return answer(res, 200, { code: "Success", errorDescription: "" });
    const challenge = challengeOf(inner.certificateRequest);
    if (challenge === null) return answer(res, 200, { code: "ChallengePasswordMissing", errorDescription: "The request has no challenge password." });
    if (!challenges.has(challenge)) return answer(res, 200, { code: "ChallengeDecryptionError", errorDescription: "The challenge was not made by Intune." });
    setTimeout(() => answer(res, 200, { code: "Success", errorDescription: "" }), validationDelayMs);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url ?? "/", base).pathname;
      const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
      if (req.method === "POST" && tokenPath) return token(res, decodeURIComponent(tokenPath[1]!), new URLSearchParams(text));
      if (req.method === "GET" && path === `/v1.0/servicePrincipals/appId=${INTUNE_APP_ID}/endpoints`) return endpoints(req, res);
      const action = new RegExp(`^${SERVICE_PATH}/ScepActions/(validateRequest|successNotification|failureNotification)$`).exec(path)?.[1];
      if (req.method === "POST" && action) {
        const body = JSON.parse(text || "{}") as Record<string, unknown>;
        calls.push({ path: action, headers: req.headers, body });
        return scepAction(req, res, action, body);
      }
      answer(res, 404, { error: `no ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Both INTUNE_LOGIN_URL and INTUNE_GRAPH_URL: one server plays both. */
    url: base,
    calls,
    tokenRequests,
    /** The calls about one transaction (validateRequest, then a notification). */
    callsFor: (transactionId: string) => calls.filter((c) => ((c.body.request ?? c.body.notification) as { transactionId?: string } | undefined)?.transactionId === transactionId),
    /** A challenge as Intune would hand one to a device: the stand-in validates CSRs that carry it, every time. */
    issueChallenge: () => {
      const challenge = `intune-${randomUUID()}`;
      challenges.add(challenge);
      return challenge;
    },
    /** Holds each successful validation this long, so that requests meet after it (races). */
    setValidationDelay: (ms: number) => {
      validationDelayMs = ms;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
