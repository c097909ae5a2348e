import type { RequestContext } from "@/lib/domain/access/principal";
import { env } from "@/lib/env";

// Two kinds of address. Links shown to people (redemption links, commands, emails) carry
// PUBLIC_URL when it is set; otherwise the address of the request that made them, so a
// console opened at 192.0.2.10:3000 makes links others can open. Without either
// (schedules, the CLI), the localhost default. The addresses baked into certificates (CRL,
// OCSP, CA issuers) never come from a request: a redeemer choosing its own Host header
// would point relying parties at itself for the certificate's whole life.

export function publicUrl(context?: RequestContext | null): string {
  if (env.isPublicUrlSet) return env.PUBLIC_URL;
  return context?.origin ?? env.PUBLIC_URL;
}

/** Where the certificate pointers' address comes from: PUBLIC_URL, the launcher's choice at start, or the localhost default (`next dev`, tests). */
export type PointerSource = "PUBLIC_URL" | "launcher" | "default";

/** The origin of the CRL, OCSP and CA-issuer addresses in certificates: configuration only, never the request. */
export function certificatePointerBase(): { url: string; source: PointerSource } {
  if (env.isPublicUrlSet) return { url: env.PUBLIC_URL, source: "PUBLIC_URL" };
  if (env.CERTDOOR_LAUNCH_URL) return { url: env.CERTDOOR_LAUNCH_URL, source: "launcher" };
  return { url: env.PUBLIC_URL, source: "default" };
}
