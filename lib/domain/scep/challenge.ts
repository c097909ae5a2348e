import { type CreatedToken, createToken } from "@/lib/domain/tokens";
import type { Principal } from "@/lib/domain/access/principal";

// A dynamic SCEP challenge (NDES style, what Jamf Pro's and Kandji's "dynamic challenge URL"
// fetch before each enrolment) is an ordinary certificate request token: made by the same
// token creation as every other door (permissions, audit, webhooks, approvals), with the
// subject left blank so that the certificate's names come from the device's CSR, within
// the Frontdoor's name policy and profile.

/** How long a dynamic challenge may wait for its device. */
export const SCEP_CHALLENGE_LIFETIME_MS = 60 * 60_000;

/** Makes a fresh one-time SCEP challenge on the Frontdoor (admins and member operators). */
export function createScepChallenge(principal: Principal, frontdoorId: string, now = new Date()): Promise<CreatedToken> {
  return createToken(principal, frontdoorId, {
    name: `SCEP challenge ${now.toISOString()}`,
    expiresAt: new Date(now.getTime() + SCEP_CHALLENGE_LIFETIME_MS).toISOString(),
  });
}
