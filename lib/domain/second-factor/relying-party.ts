import { isIP } from "node:net";
import type {
  generateAuthenticationOptions,
  GenerateRegistrationOptionsOpts,
  generateRegistrationOptions,
  VerifyAuthenticationResponseOpts,
  VerifyRegistrationResponseOpts,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { AppError } from "@/lib/domain/errors";
import type { RequestContext } from "@/lib/domain/access/principal";
import { env } from "@/lib/env";

// The WebAuthn relying party is the address the console is used at: its host is the RP ID
// and its origin is what the browser signs. A passkey is bound to that host for good, so a
// passkey made at http://localhost:3000 does not work at https://certs.example.com; setting
// PUBLIC_URL and always using that address keeps them working (README).

export type RelyingParty = { rpId: string; origins: string[] };

export const RP_NAME = "Certdoor";

/** The relying party of a request, or a refusal a person can act on. */
export function relyingPartyFor(context: RequestContext | undefined): RelyingParty {
  const origin = context?.origin;
  if (!origin) throw new AppError("validation_failed", "Passkeys need to know the address you are using; this request did not say.");
  const url = new URL(origin);
  // Browsers refuse IP addresses as RP IDs (WebAuthn: a valid domain); say so instead of failing in the browser.
  if (isIP(url.hostname.replace(/^\[|\]$/g, ""))) {
    throw new AppError("validation_failed", `Passkeys need a DNS name (or localhost): open the console by its name rather than ${url.hostname}.`);
  }
  const origins = [url.origin];
  // Behind a TLS proxy that is not trusted for X-Forwarded-Proto, the request looks like
  // http; the browser signs the https origin PUBLIC_URL names for the same host.
  if (env.isPublicUrlSet) {
    const configured = new URL(env.PUBLIC_URL);
    if (configured.host === url.host && configured.origin !== url.origin) origins.push(configured.origin);
  }
  return { rpId: url.hostname, origins };
}

// @simplewebauthn/types is the server's dependency, not ours: its types are taken from the
// server package's own signatures.
export type RegistrationOptionsJSON = Awaited<ReturnType<typeof generateRegistrationOptions>>;
export type AuthenticationOptionsJSON = Awaited<ReturnType<typeof generateAuthenticationOptions>>;
export type RegistrationResponse = VerifyRegistrationResponseOpts["response"];
export type AuthenticationResponse = VerifyAuthenticationResponseOpts["response"];
type Descriptor = NonNullable<GenerateRegistrationOptionsOpts["excludeCredentials"]>[number];

/** A stored passkey as the credential list of a ceremony names it. */
export const credentialDescriptor = (credentialId: string, transports: string[]): Descriptor => ({
  id: isoBase64URL.toBuffer(credentialId),
  type: "public-key",
  transports: transports as Descriptor["transports"],
});
