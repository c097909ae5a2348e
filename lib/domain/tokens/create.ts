import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import type { Principal } from "@/lib/domain/principal";
import { actingUserId, assertTcpSharesEnabled, frontdoorFor } from "@/lib/domain/scope";
import { hashSecret, newTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { redemptionUrl, type TokenView, toTokenView, tokenViewSelect } from "@/lib/domain/tokens/view";
import { type CreateTokenInput, createTokenSchema, DEFAULT_TOKEN_LIFETIME_MS } from "@/lib/validation/tokens";
import { parseInput } from "@/lib/validation/parse";

export type CreatedToken = TokenView & { token: string; redemptionUrl: string };

/** Creates a token on a Frontdoor; the only time the secret is returned. */
export async function createToken(principal: Principal, frontdoorId: string, raw: CreateTokenInput): Promise<CreatedToken> {
  const input = parseInput(createTokenSchema, raw);
  const secret = newTokenSecret();
  const row = await getDb().$transaction(async (tx) => {
    const frontdoor = await frontdoorFor(principal, frontdoorId, "operate", tx);
    assertTcpSharesEnabled(frontdoor);
    const created = await tx.certificateRequestToken.create({
      data: {
        frontdoorId: frontdoor.id,
        name: input.name,
        commonName: input.commonName,
        organization: input.organization,
        organizationalUnit: input.organizationalUnit,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS),
        validDays: input.validDays,
        secretHash: hashSecret(secret),
        secretHint: secretHint(secret),
        createdById: actingUserId(principal),
      },
      select: tokenViewSelect,
    });
    await recordAudit(tx, principal, {
      action: "token.created",
      frontdoorId: frontdoor.id,
      targetKind: "token",
      targetId: created.id,
      details: {
        name: created.name,
        commonName: created.commonName,
        organization: created.organization,
        organizationalUnit: created.organizationalUnit,
        expiresAt: created.expiresAt.toISOString(),
        validDays: created.validDays,
        tokenHint: created.secretHint,
      },
    });
    return created;
  });
  return { ...toTokenView(row), token: secret, redemptionUrl: redemptionUrl(row.frontdoorId, secret) };
}
