import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorFor } from "@/lib/domain/access/scope";
import { explainNoChange } from "@/lib/domain/tokens/change";
import type { CreatedToken } from "@/lib/domain/tokens/create";
import { deliverLink } from "@/lib/domain/tokens/deliver";
import { publicUrl } from "@/lib/runtime/public-url";
import { hashSecret, newTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { redemptionUrl, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";

// A new link for a lost one: an active token gets a new secret. The old secret's hash is
// overwritten in the same conditional update that checks the token is still active, so
// from that commit on the old link finds no token at all (token_not_found), on every
// instance, and a token redeemed a moment earlier keeps its history untouched.

export async function rotateToken(principal: Principal, frontdoorId: string, tokenId: string): Promise<CreatedToken> {
  const secret = newTokenSecret();
  const hint = secretHint(secret);
  const { view, frontdoorName } = await getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    const now = new Date();
    const [old] = await tx.$queryRaw<{ secretHint: string }[]>`
      SELECT "secretHint" FROM "CertificateRequestToken" WHERE "id" = ${tokenId} AND "frontdoorId" = ${frontdoor.id}::uuid FOR UPDATE`;
    const { count } = await tx.certificateRequestToken.updateMany({
      where: { id: tokenId, frontdoorId: frontdoor.id, redeemedAt: null, revokedAt: null, rejectedAt: null, expiresAt: { gt: now } },
      data: { secretHash: hashSecret(secret), secretHint: hint },
    });
    if (count === 0) await explainNoChange(tx, frontdoor.id, tokenId, "rotate");
    await recordAudit(tx, principal, {
      action: "token.rotated",
      frontdoorId: frontdoor.id,
      targetKind: "token",
      targetId: tokenId,
      details: { previousTokenHint: old?.secretHint ?? null, tokenHint: hint },
    });
    const row = await tx.certificateRequestToken.findFirstOrThrow({ where: { id: tokenId, frontdoorId: frontdoor.id }, select: tokenViewSelect });
    return { view: toTokenView(row, now), frontdoorName: frontdoor.name };
  });
  const rotated: CreatedToken = { ...view, token: secret, redemptionUrl: redemptionUrl(publicUrl(principal.context), frontdoorId, secret) };
  const delivery = await deliverLink(principal, rotated, frontdoorName, { isNewLink: true });
  return delivery ? { ...rotated, delivery } : rotated;
}
