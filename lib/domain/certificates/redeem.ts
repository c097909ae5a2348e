import { getDb } from "@/lib/db";
import { hotQuery } from "@/lib/db/hot-query";
import { type AuditActor, auditUserAgent } from "@/lib/domain/audit/events";
import { issueCertificate } from "@/lib/domain/certificates/pipeline";
import { auditRedeemFailure } from "@/lib/domain/certificates/redeem-failures";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { RequestContext } from "@/lib/domain/access/principal";
import { type FrontdoorRules, rulesOf } from "@/lib/domain/names/enforce";
import { hashSecret, looksLikeTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { tokenStatus } from "@/lib/domain/tokens/status";
import { storedSubjectAltNames } from "@/lib/domain/tokens/view";
import type { SubjectAltNames } from "@/lib/validation/subject-alt-names";
import { redeemRequestSchema } from "@/lib/validation/certificates";
import { uuidSchema } from "@/lib/validation/common";
import { parseInput } from "@/lib/validation/parse";
import { logger } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";

// Redemption: the token is the credential, the CSR the proof of possession. Two round
// trips: one read (the token and its Frontdoor by the secret's hash), then the issuing
// pipeline's one write, whose claim is a conditional update. Under any number of
// concurrent requests, on any number of instances, exactly one claim matches; the others
// store nothing, and are told why.

/** `channel` names a door that is not the REST API (SCEP) in the audit events. */
export type RedeemInput = { frontdoorId: string; secret: string; body: unknown; context: RequestContext; channel?: "scep" };

type TokenRow = {
  id: string;
  updatedAt: Date;
  frontdoorId: string;
  name: string;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  validDays: number;
  expiresAt: Date;
  redeemedAt: Date | null;
  revokedAt: Date | null;
  approvalsRequired: number;
  approvalCount: number;
  approvedAt: Date | null;
  rejectedAt: Date | null;
  frontdoor: { name: string; tcpSharesEnabled: boolean };
};

const tokenSelect = {
  id: true,
  updatedAt: true,
  frontdoorId: true,
  name: true,
  commonName: true,
  organization: true,
  organizationalUnit: true,
  validDays: true,
  expiresAt: true,
  redeemedAt: true,
  revokedAt: true,
  approvalsRequired: true,
  approvalCount: true,
  approvedAt: true,
  rejectedAt: true,
  frontdoor: { select: { name: true, tcpSharesEnabled: true } },
} as const;

/** The contract's error for a token that cannot be redeemed now, or null when it can. */
export function redemptionBlocker(token: TokenRow, now = new Date()): AppError | null {
  switch (tokenStatus(token, now)) {
    case "redeemed":
      return new AppError("token_already_used", "This token was redeemed already; tokens are single-use. Ask for a new one.");
    case "revoked":
      return new AppError("token_revoked", "This token was revoked by an administrator. Ask the administrator for a new token.");
    case "expired":
      return new AppError("token_expired", `This token expired at ${token.expiresAt.toISOString()}. Ask the administrator for a new one.`);
    case "rejected":
      return new AppError("token_rejected", "This token was rejected by an approver, for good. Ask the administrator for a new token.");
    case "pending_approval":
      return pendingApproval(token);
    case "active":
      break;
  }
  if (!token.frontdoor.tcpSharesEnabled) {
    return new AppError(
      "tcp_shares_disabled",
      `TCP shares are disabled on Frontdoor "${token.frontdoor.name}", so its tokens cannot be redeemed. The Frontdoor's administrator must enable them.`,
    );
  }
  return null;
}

/** token_pending_approval, saying how many more approvals it waits for. */
function pendingApproval(token: { approvalsRequired: number; approvalCount: number }): AppError {
  const more = Math.max(1, token.approvalsRequired - token.approvalCount);
  return new AppError(
    "token_pending_approval",
    `This token is waiting for approval by ${more} more ${more === 1 ? "person" : "people"}. Try again with the same token once it is approved; nothing else is needed from you.`,
  );
}

/** A token found by its secret, with its SANs and the Frontdoor's current issuing CA, profile and name policy read in the same statement. */
export type FoundToken = TokenRow & { subjectAltNames: SubjectAltNames; currentCaId: string | null; rules: FrontdoorRules };

/**
 * Finds the token a secret belongs to on this Frontdoor, with the contract's not-found
 * errors: one statement (the token, its Frontdoor and that Frontdoor's current CA, by the
 * secret's hash); a second one only to tell an unknown Frontdoor from an unknown token.
 * Reading the current CA here is how every worker learns of a CA rotation at its commit,
 * at no extra round trip (the partial unique index "CertificateAuthority_current_key").
 */
export async function findTokenBySecret(frontdoorId: string, secret: string): Promise<FoundToken> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const secretHash = hashSecret(secret);
  const [row] = looksLikeTokenSecret(secret)
    ? await hotQuery<(Omit<FoundToken, "frontdoor" | "rules"> & { frontdoorName: string; tcpSharesEnabled: boolean; profile: unknown; namePolicy: unknown })[]>`
        SELECT t."id", t."frontdoorId"::text AS "frontdoorId", t."name", t."commonName", t."organization", t."organizationalUnit",
               t."subjectAltNames", t."validDays", t."expiresAt", t."redeemedAt", t."revokedAt", t."updatedAt",
               t."approvalsRequired", t."approvalCount", t."approvedAt", t."rejectedAt", f."name" AS "frontdoorName", f."tcpSharesEnabled",
               f."profile", f."namePolicy",
               (SELECT c."id"::text FROM "CertificateAuthority" c WHERE c."frontdoorId" = t."frontdoorId" AND c."retiredAt" IS NULL) AS "currentCaId"
          FROM "CertificateRequestToken" t JOIN "Frontdoor" f ON f."id" = t."frontdoorId"
         WHERE t."secretHash" = ${secretHash}`
    : [];
  if (row && row.frontdoorId === frontdoorId) {
    const { frontdoorName, tcpSharesEnabled, subjectAltNames, profile, namePolicy, ...token } = row;
    return { ...token, subjectAltNames: storedSubjectAltNames(subjectAltNames), frontdoor: { name: frontdoorName, tcpSharesEnabled }, rules: rulesOf({ profile, namePolicy }) };
  }
  const [known] = await getDb().$queryRaw<{ isFrontdoor: boolean; wasRevoked: boolean | null }[]>`
    SELECT EXISTS (SELECT 1 FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid) AS "isFrontdoor",
           (SELECT p."wasRevoked" FROM "PurgedToken" p WHERE p."secretHash" = ${secretHash} AND p."frontdoorId" = ${frontdoorId}::uuid) AS "wasRevoked"`;
  if (!known?.isFrontdoor) throw new AppError("frontdoor_not_found");
  throw unknownToken(known.wasRevoked);
}

/** token_not_found, honest about a token that was purged (its hash is kept one more retention period). */
function unknownToken(wasRevoked: boolean | null): AppError {
  if (wasRevoked === null) {
    return new AppError(
      "token_not_found",
      "This token does not exist on this Frontdoor. Check the link or token for typing mistakes; if it is old, it may have expired and been removed since: then ask whoever sent it for a new one.",
    );
  }
  const what = wasRevoked ? "was revoked by an administrator" : "expired";
  return new AppError("token_not_found", `This token ${what} and was removed from this Frontdoor since. Ask the administrator who sent it for a new one.`);
}

const tokenActor = (token: { id: string } | null, secret: string, context: RequestContext): AuditActor => ({
  actorKind: token ? "token" : "anonymous",
  actorId: token?.id ?? null,
  actorLabel: token ? secretHint(secret) : null,
  ip: context.ip ?? null,
  userAgent: auditUserAgent(context.userAgent),
});

/** A token changed (PATCH) between the redemption's read and its claim: read it again. */
class TokenChanged extends Error {}

/** Exchanges a token and a CSR for a client certificate. */
export async function redeemToken(input: RedeemInput): Promise<CertificateView> {
  let token: FoundToken | null = null;
  try {
    token = await findTokenBySecret(input.frontdoorId, input.secret);
    let issued: CertificateView;
    try {
      issued = await redeemFound(token, input);
    } catch (error) {
      if (!(error instanceof TokenChanged)) throw error;
      // Issue what the token says now, once; changed again in that moment, the caller retries.
      token = await findTokenBySecret(input.frontdoorId, input.secret);
      issued = await redeemFound(token, input).catch((again: unknown) => {
        throw again instanceof TokenChanged ? new AppError("conflict", "The token was changed while it was being redeemed; send the request again.") : again;
      });
    }
    metrics().redemptions.inc({ outcome: "issued" });
    return issued;
  } catch (error) {
    metrics().redemptions.inc({ outcome: isAppError(error) ? error.code : "internal" });
    if (isAppError(error) && error.code !== "frontdoor_not_found") {
      // Failed attempts are audited with their code and address, never with the secret,
      // at most about once a minute per token (or address) and code, each with its count.
      await auditRedeemFailure({ frontdoorId: token?.frontdoorId ?? input.frontdoorId, token, code: error.code, channel: input.channel, actor: tokenActor(token, input.secret, input.context) }).catch(
        (auditError: unknown) => logger("redeem").error({ err: auditError }, "could not audit a failed attempt"),
      );
    }
    throw error;
  }
}

async function redeemFound(token: FoundToken, input: RedeemInput): Promise<CertificateView> {
  const body = parseInput(redeemRequestSchema, input.body);
  if (body.type !== "CSR") throw new AppError("unsupported_request_type", `Request type "${body.type}" is not supported; send {"type": "CSR", "value": "<PEM>"}.`);
  const blocker = redemptionBlocker(token);
  if (blocker) throw blocker;
  if (!token.currentCaId) throw new Error(`Frontdoor ${token.frontdoorId} has no issuing CA; restart Certdoor to create it.`);
  const secretHash = hashSecret(input.secret);
  const channel = input.channel ? { channel: input.channel } : {};

  return issueCertificate(
    {
      frontdoorId: token.frontdoorId,
      caId: token.currentCaId,
      name: token.name,
      tokenId: token.id,
      subject: token,
      subjectAltNames: token.subjectAltNames,
      rules: token.rules,
      validDays: token.validDays,
      actor: tokenActor(token, input.secret, input.context),
      // Single use: a racing second redemption, a revocation or a new secret in between makes the claim lose.
      claim: { kind: "token", tokenId: token.id, secretHash, updatedAt: token.updatedAt },
      events: (issued) => [
        { frontdoorId: token.frontdoorId, action: "token.redeemed", targetKind: "token", targetId: token.id, details: { clientCertificateId: issued.id, ...channel } },
        {
          frontdoorId: token.frontdoorId,
          action: "certificate.issued",
          targetKind: "certificate",
          targetId: issued.id,
          details: { tokenId: token.id, serialNumber: issued.serialNumber, commonName: issued.commonName, keyAlgorithm: issued.keyAlgorithm, notAfter: issued.notAfter.toISOString(), ...channel },
        },
      ],
      // Someone else claimed it (or it changed) between our read and our claim: say why.
      explainLostClaim: async () => {
        const current = await getDb().certificateRequestToken.findUnique({ where: { id: token.id }, select: { ...tokenSelect, secretHash: true } });
        if (!current || current.secretHash !== secretHash) return new AppError("token_not_found", "This link was replaced by a new one. Use the newest link you were sent, or ask for a new one.");
        const blocker = redemptionBlocker(current);
        if (blocker || current.redeemedAt) return blocker ?? new AppError("token_already_used");
        // Still active, same secret: it was changed (PATCH) after it was read.
        return new TokenChanged();
      },
    },
    body.value,
  );
}
