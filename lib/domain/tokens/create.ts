import { randomUUID } from "node:crypto";
import { hotQuery } from "@/lib/db/hot-query";
import { AUDIT_COLUMNS, auditValuesSql } from "@/lib/domain/audit/events";
import { assertCanOperateFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { actingAuthorIds, actingUserId, assertTcpSharesEnabled, frontdoorFor } from "@/lib/domain/access/scope";
import { assertTokenWithinRules, type FrontdoorRules, validDaysUnder } from "@/lib/domain/names/enforce";
import { underFrontdoorRules } from "@/lib/domain/names/frontdoor-rules";
import { type Delivery, deliverLink } from "@/lib/domain/tokens/deliver";
import { publicUrl } from "@/lib/runtime/public-url";
import { hashSecret, newTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { approvalRequestedSql } from "@/lib/domain/tokens/approval-sql";
import { noApprovalsYet, redemptionUrl, type TokenView, toTokenView } from "@/lib/domain/tokens/view";
import { AppError } from "@/lib/domain/errors";
import { uuidSchema } from "@/lib/validation/common";
import { type CreateTokenInput, createTokenSchema, DEFAULT_TOKEN_LIFETIME_MS } from "@/lib/validation/tokens";
import { parseInput } from "@/lib/validation/parse";
import { hasSubjectAltNames, type SubjectAltNames } from "@/lib/validation/subject-alt-names";
import { metrics } from "@/lib/observability/metrics";

export type CreatedToken = TokenView & { token: string; redemptionUrl: string; delivery?: Delivery };

/** A token's SANs in its audit details, when it has any. */
export const sanDetails = (sans: SubjectAltNames) => (hasSubjectAltNames(sans) ? { subjectAltNames: sans } : {});

/**
 * Creates a token on a Frontdoor; the only time the secret is returned. One statement:
 * the insert reads the Frontdoor (it must exist and have TCP shares on) and the audit
 * insert reads the token's row, so the token and its event commit together or not at all.
 * The caller's rights were checked from the principal already; a second read happens only
 * when the insert found no open Frontdoor, to say why.
 */
export async function createToken(principal: Principal, frontdoorId: string, raw: CreateTokenInput): Promise<CreatedToken> {
  const input = parseInput(createTokenSchema, raw);
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanOperateFrontdoor(principal, frontdoorId);
  const secret = newTokenSecret();
  const id = `token-${randomUUID()}`;
  const now = new Date();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(now.getTime() + DEFAULT_TOKEN_LIFETIME_MS);
  const hint = secretHint(secret);
  let validDays = 0;
  const checkRules = (rules: FrontdoorRules) => {
    assertTokenWithinRules(rules, input);
    validDays = validDaysUnder(rules, input.validDays);
  };

  // The Frontdoor's profile and name policy, checked and guarded in the same one statement.
  const rows = (await underFrontdoorRules(frontdoorId, checkRules, async (guard) => {
  const details = { name: input.name, commonName: input.commonName, organization: input.organization, organizationalUnit: input.organizationalUnit, expiresAt: expiresAt.toISOString(), validDays, tokenHint: hint, ...(input.recipientEmail ? { recipientEmail: input.recipientEmail } : {}), ...sanDetails(input.subjectAltNames) };
  const found = await hotQuery<{ createdAt: Date; frontdoorName: string; approvalsRequired: number }[]>`
    WITH fd AS (SELECT "id", "name", "approvalsRequired" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid AND "tcpSharesEnabled" AND ${guard}),
    t AS (
      INSERT INTO "CertificateRequestToken" ("id", "frontdoorId", "name", "commonName", "organization", "organizationalUnit",
                                             "secretHash", "secretHint", "expiresAt", "validDays", "recipientEmail", "subjectAltNames", "createdAt", "createdById", "updatedAt", "approvalsRequired", "authorIds")
      SELECT ${id}, fd."id", ${input.name}, ${input.commonName}, ${input.organization}, ${input.organizationalUnit},
             ${hashSecret(secret)}, ${hint}, ${expiresAt}::timestamptz, ${validDays}, ${input.recipientEmail}, ${JSON.stringify(input.subjectAltNames)}::jsonb, ${now}::timestamptz, ${actingUserId(principal)}::uuid, ${now}::timestamptz, fd."approvalsRequired", ${actingAuthorIds(principal)}::uuid[]
        FROM fd
      RETURNING "createdAt"
    ),
    a AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT v.* FROM (${auditValuesSql(principal, [{ action: "token.created", frontdoorId, targetKind: "token", targetId: id, details }], now)}) AS v CROSS JOIN t
      ${approvalRequestedSql(principal, frontdoorId, [id], now)}
    )
    SELECT t."createdAt", fd."name" AS "frontdoorName", fd."approvalsRequired" FROM t CROSS JOIN fd`;
  return found.length ? found : null;
  })) ?? [];
  if (rows.length === 0) {
    assertTcpSharesEnabled(await frontdoorFor(principal, frontdoorId, "operate"));
    throw new AppError("conflict", "The Frontdoor changed while the token was being created; try again.");
  }
  const creator = principal.kind === "user" ? { email: principal.email } : null;
  const view = toTokenView({
    id,
    name: input.name,
    frontdoorId,
    commonName: input.commonName,
    organization: input.organization,
    organizationalUnit: input.organizationalUnit,
    expiresAt,
    validDays,
    recipientEmail: input.recipientEmail,
    subjectAltNames: input.subjectAltNames,
    createdAt: rows[0]!.createdAt,
    secretHint: hint,
    redeemedAt: null,
    revokedAt: null,
    ...noApprovalsYet(rows[0]!.approvalsRequired),
    clientCertificateId: null,
    createdBy: creator,
    revokedBy: null,
  });
  metrics().tokensCreated.inc();
  const created = { ...view, token: secret, redemptionUrl: redemptionUrl(publicUrl(principal.context), frontdoorId, secret) };
  const delivery = await deliverLink(principal, created, rows[0]!.frontdoorName);
  return delivery ? { ...created, delivery } : created;
}
