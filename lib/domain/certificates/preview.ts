import { findTokenBySecret, redemptionBlocker } from "@/lib/domain/certificates/redeem";
import type { RedemptionPreview } from "@/lib/wire/redemption";

// What the redemption page shows before anything is generated. Looking does not consume
// the token and needs no session: the secret is the credential, as for redemption.

export type { RedemptionPreview } from "@/lib/wire/redemption";

/** The token's pre-approved metadata, or the contract error that stops its redemption. */
export async function previewRedemption(frontdoorId: string, secret: string): Promise<RedemptionPreview> {
  const token = await findTokenBySecret(frontdoorId, secret);
  const blocker = redemptionBlocker(token);
  if (blocker) throw blocker;
  return {
    frontdoor: { id: token.frontdoorId, name: token.frontdoor.name },
    token: {
      name: token.name,
      commonName: token.commonName,
      organization: token.organization,
      organizationalUnit: token.organizationalUnit,
      subjectAltNames: token.subjectAltNames,
      expiresAt: token.expiresAt,
      validDays: token.validDays,
    },
  };
}
