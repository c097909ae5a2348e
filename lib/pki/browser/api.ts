import type { CertificateView } from "@/lib/wire/certificate";
import type { ErrorCode } from "@/lib/wire/error-codes";
import type { RedemptionPreview } from "@/lib/wire/redemption";
import type { Serialized } from "@/lib/wire/serialized";

// The redemption page's two calls. The token travels in a POST body or an Authorization
// header, never in a URL.

export type PreviewResult = Serialized<RedemptionPreview>;
export type IssuedCertificate = Serialized<CertificateView>;

export class RedemptionFailure extends Error {
  constructor(
    readonly code: ErrorCode | "network",
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

async function send<T>(url: string, init: RequestInit, okStatus: number): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" });
  } catch {
    throw new RedemptionFailure("network", "The server could not be reached. Check your connection and try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (response.status !== okStatus) {
    throw new RedemptionFailure(body.code ?? "internal", body.detail ?? `The server answered ${response.status}.`, Number(response.headers.get("retry-after")) || undefined);
  }
  return body as T;
}

export function fetchPreview(frontdoorId: string, token: string): Promise<PreviewResult> {
  return send("/api/redeem/preview", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ frontdoorId, token }) }, 200);
}

export function redeem(frontdoorId: string, token: string, csrPem: string): Promise<IssuedCertificate> {
  return send(
    `/frontdoor/${encodeURIComponent(frontdoorId)}/client-certificates/token`,
    { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify({ type: "CSR", value: csrPem }) },
    201,
  );
}
