import "server-only";
import { createHash, randomUUID } from "node:crypto";

// The wire of Microsoft's Intune SCEP validation, as Microsoft's own libraries speak it
// (github.com/microsoft/Intune-Resource-Access, src/CsrValidation): an OAuth 2.0
// client-credentials token from Entra ID, Microsoft Graph's endpoints of the Intune service
// principal (app id 0000000a-…) to find the validation service, then JSON POSTs to
// `<service>/ScepActions/<action>` with `api-version` and `client-request-id` headers.
// Tokens and the discovered address are cached in process memory only (each instance signs
// in on its own): a token until shortly before it expires, the address for an hour or until
// a call to it fails.

export const INTUNE_APP_ID = "0000000a-0000-0000-c000-000000000000";
export const VALIDATION_SERVICE = "ScepRequestValidationFEService";
const VALIDATION_CAPABILITY = "ScepRequestValidationFQDN";
export const SCEP_API_VERSION = "2018-02-20";
/** Intune's resource; the double slash is how its resource URI ends in "/" before "/.default". */
const INTUNE_SCOPE = "https://api.manage.microsoft.com//.default";
const TIMEOUT_MS = 15_000;
/** A token is fetched again this long before it expires (half its life when that is shorter). */
export const TOKEN_REFRESH_EARLY_MS = 5 * 60_000;
const ENDPOINT_TTL_MS = 60 * 60_000;
const MAX_CACHED = 1_000;

export type IntuneConnection = { loginUrl: string; graphUrl: string; tenantId: string; clientId: string; clientSecret: string };

/** Intune could not be asked: sign-in refused, service not found, network or HTTP failure. */
export class IntuneUnavailable extends Error {}

/** Intune answered and refused: its code (ChallengeExpired, SubjectNameMismatch, …) and description. */
export class IntuneRefusal extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(`Intune refused the request: ${code}${description ? ` (${description})` : ""}`);
  }
}

const tokens = new Map<string, { accessToken: string; refreshAt: number }>();
const endpoints = new Map<string, { uri: string; until: number }>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, value);
}

const firstLine = (text: unknown) => (typeof text === "string" ? text.split(/\r?\n/)[0]!.slice(0, 300) : "");

async function send(url: string, init: RequestInit, what: string): Promise<{ status: number; ok: boolean; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new IntuneUnavailable(`Could not reach ${what} at ${new URL(url).origin}: ${error instanceof Error ? firstLine(error.cause instanceof Error ? error.cause.message : error.message) : "network error"}.`);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  return { status: response.status, ok: response.ok, body };
}

/** A client-credentials access token for `scope`, from the cache while it has more than a few minutes left. */
export async function accessToken(c: IntuneConnection, scope: string): Promise<string> {
  const key = [c.loginUrl, c.tenantId, c.clientId, scope, createHash("sha256").update(c.clientSecret).digest("hex")].join("|");
  const cached = tokens.get(key);
  if (cached && cached.refreshAt > Date.now()) return cached.accessToken;
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret, scope });
  const answer = await send(`${c.loginUrl}/${encodeURIComponent(c.tenantId)}/oauth2/v2.0/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form }, "Microsoft Entra ID");
  const token = answer.body.access_token;
  if (!answer.ok || typeof token !== "string") {
    const reason = typeof answer.body.error === "string" ? answer.body.error : `HTTP ${answer.status}`;
    const detail = firstLine(answer.body.error_description).replace(/\.+$/, "");
    throw new IntuneUnavailable(`Microsoft Entra ID refused the Intune app's sign-in (tenant ${c.tenantId}, client ${c.clientId}): ${reason}${detail ? `: ${detail}` : ""}. Check the Frontdoor's Intune settings.`);
  }
  const lifetimeMs = (Number(answer.body.expires_in) || 3600) * 1000;
  remember(tokens, key, { accessToken: token, refreshAt: Date.now() + lifetimeMs - Math.min(TOKEN_REFRESH_EARLY_MS, lifetimeMs / 2) });
  return token;
}

const endpointKey = (c: IntuneConnection) => [c.graphUrl, c.tenantId, c.clientId].join("|");

const isValidationService = (entry: Record<string, unknown>) =>
  [entry.providerName, entry.serviceName].some((name) => typeof name === "string" && name.toLowerCase() === VALIDATION_SERVICE.toLowerCase()) ||
  (typeof entry.capability === "string" && entry.capability.toLowerCase() === VALIDATION_CAPABILITY.toLowerCase());

/** The validation service's address, found through Microsoft Graph's endpoints of the Intune service principal. */
async function validationEndpoint(c: IntuneConnection): Promise<string> {
  const key = endpointKey(c);
  const cached = endpoints.get(key);
  if (cached && cached.until > Date.now()) return cached.uri;
  const token = await accessToken(c, `${c.graphUrl}/.default`);
  const answer = await send(`${c.graphUrl}/v1.0/servicePrincipals/appId=${INTUNE_APP_ID}/endpoints`, { headers: { authorization: `Bearer ${token}`, "client-request-id": randomUUID() } }, "Microsoft Graph");
  if (!answer.ok) throw new IntuneUnavailable(`Microsoft Graph refused the service discovery for Intune (HTTP ${answer.status}${answer.body.error ? `: ${firstLine((answer.body.error as { message?: unknown }).message)}` : ""}). The app needs Microsoft Graph's Application.Read.All permission.`);
  const entries = Array.isArray(answer.body.value) ? (answer.body.value as Record<string, unknown>[]) : [];
  const uri = entries.find((entry) => entry && isValidationService(entry))?.uri;
  // The address comes from Graph; it must be https unless Graph itself was configured as http (a lab's stand-in).
  if (typeof uri !== "string" || !URL.canParse(uri) || (new URL(uri).protocol !== "https:" && new URL(uri).protocol !== new URL(c.graphUrl).protocol)) {
    throw new IntuneUnavailable(`Microsoft Graph lists no ${VALIDATION_SERVICE} endpoint for Intune in tenant ${c.tenantId}: is Intune licensed in the tenant?`);
  }
  remember(endpoints, key, { uri: uri.replace(/\/+$/, ""), until: Date.now() + ENDPOINT_TTL_MS });
  return uri.replace(/\/+$/, "");
}

/** POSTs one ScepActions call; Success returns, another code is an IntuneRefusal. */
export async function postScepAction(c: IntuneConnection, action: "validateRequest" | "successNotification" | "failureNotification", body: object): Promise<void> {
  const endpoint = await validationEndpoint(c);
  const token = await accessToken(c, INTUNE_SCOPE);
  const answer = await send(
    `${endpoint}/ScepActions/${action}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "client-request-id": randomUUID(), "api-version": SCEP_API_VERSION, "user-agent": "Certdoor" },
      body: JSON.stringify(body),
    },
    "Intune's SCEP validation service",
  ).catch((error: unknown) => {
    endpoints.delete(endpointKey(c));
    throw error;
  });
  if (!answer.ok) {
    // As Microsoft's library does: the service may have moved, so discover it again next time.
    endpoints.delete(endpointKey(c));
    throw new IntuneUnavailable(`Intune's SCEP validation service answered HTTP ${answer.status} to ${action}. The app needs Intune's scep_challenge_provider permission.`);
  }
  const code = typeof answer.body.code === "string" ? answer.body.code : "Unknown";
  if (code !== "Success") throw new IntuneRefusal(code.slice(0, 64), firstLine(answer.body.errorDescription));
}
