import { findTokenBySecret, redemptionBlocker } from "@/lib/domain/certificates/redeem";

// What the redemption page shows before anything is generated. Looking does not consume
// the token and needs no session: the secret is the credential, as for redemption.

export type RedemptionPreview = {
  frontdoor: { id: string; name: string };
  token: {
    name: string;
    commonName: string | null;
    organization: string | null;
    organizationalUnit: string | null;
    expiresAt: Date;
    validDays: number;
  };
};

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
      expiresAt: token.expiresAt,
      validDays: token.validDays,
    },
  };
}
