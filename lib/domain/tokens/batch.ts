import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";
import { AUDIT_COLUMNS, type AuditInput, auditValuesSql } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { assertCanOperateFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { actingAuthorIds, actingUserId, assertTcpSharesEnabled, frontdoorFor } from "@/lib/domain/access/scope";
import { type CreatedToken, sanDetails } from "@/lib/domain/tokens/create";
import { assertBatchWithinRules, type FrontdoorRules, validDaysUnder } from "@/lib/domain/names/enforce";
import { underFrontdoorRules } from "@/lib/domain/names/frontdoor-rules";
import { deliverLink } from "@/lib/domain/tokens/deliver";
import { publicUrl } from "@/lib/runtime/public-url";
import { hashSecret, newTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { approvalRequestedSql } from "@/lib/domain/tokens/approval-sql";
import { noApprovalsYet, redemptionUrl, toTokenView } from "@/lib/domain/tokens/view";
import { uuidSchema } from "@/lib/validation/common";
import { csvPath, jsonPath, previewCsv, tokensFromCsv, tokensFromJson } from "@/lib/validation/token-batch";
import { DEFAULT_TOKEN_LIFETIME_MS } from "@/lib/validation/tokens";
import { metrics } from "@/lib/observability/metrics";

// Onboarding many at once: up to 1,000 tokens, all or nothing, in one statement (the rows
// as arrays through unnest, and one audit event per token sharing a batch id), so a batch
// of 1,000 costs one round trip. Links are then emailed to the rows that name a recipient,
// a few at a time; a failed message fails nobody's token.

const MAIL_CONCURRENCY = 5;

/** The batch as it arrived: a JSON body, or CSV text. */
export type BatchSource = { json: unknown } | { csv: string };

export async function createTokenBatch(principal: Principal, frontdoorId: string, source: BatchSource): Promise<{ tokens: CreatedToken[] }> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanOperateFrontdoor(principal, frontdoorId);
  const requests = "csv" in source ? tokensFromCsv(source.csv) : tokensFromJson(source.json);
  const now = new Date();
  const batchId = randomUUID();
  const rows = requests.map((input) => {
    const secret = newTokenSecret();
    return { input, secret, id: `token-${randomUUID()}`, hint: secretHint(secret), expiresAt: input.expiresAt ? new Date(input.expiresAt) : new Date(now.getTime() + DEFAULT_TOKEN_LIFETIME_MS) };
  });
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  // Each row's lifetime, once the Frontdoor's profile is known (names/enforce.ts validDaysUnder).
  let validDays: number[] = [];
  const checkRules = (rules: FrontdoorRules) => {
    assertBatchWithinRules(rules, requests, "csv" in source ? csvPath : jsonPath);
    validDays = requests.map((request) => validDaysUnder(rules, request.validDays));
  };
  const eventsOf = (): AuditInput[] => rows.map((r, i) => ({
    action: "token.created",
    frontdoorId,
    targetKind: "token",
    targetId: r.id,
    details: {
      name: r.input.name, commonName: r.input.commonName, organization: r.input.organization, organizationalUnit: r.input.organizationalUnit,
      expiresAt: r.expiresAt.toISOString(), validDays: validDays[i], tokenHint: r.hint, batchId, ...(r.input.recipientEmail ? { recipientEmail: r.input.recipientEmail } : {}), ...sanDetails(r.input.subjectAltNames),
    },
  }));
  // Every row against the Frontdoor's profile and name policy, guarded in the same one statement.
  const result = await underFrontdoorRules(frontdoorId, checkRules, async (guard) => {
  const [found] = await getDb().$queryRaw<{ n: number; frontdoorName: string | null; createdAt: Date | null; approvalsRequired: number | null }[]>`
    WITH fd AS (SELECT "id", "name", "approvalsRequired" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid AND "tcpSharesEnabled" AND ${guard}),
    t AS (
      INSERT INTO "CertificateRequestToken" ("id", "frontdoorId", "name", "commonName", "organization", "organizationalUnit",
                                             "secretHash", "secretHint", "expiresAt", "validDays", "recipientEmail", "subjectAltNames", "createdAt", "createdById", "updatedAt", "approvalsRequired", "batchId", "authorIds")
      SELECT r.id, fd."id", r.name, r.cn, r.o, r.ou, r.hash, r.hint, r.exp, r.days, r.email, r.sans, ${now}::timestamptz, ${actingUserId(principal)}::uuid, ${now}::timestamptz, fd."approvalsRequired", ${batchId}::uuid, ${actingAuthorIds(principal)}::uuid[]
        FROM fd, unnest(${column((r) => r.id)}::text[], ${column((r) => r.input.name)}::text[], ${column((r) => r.input.commonName)}::text[],
                        ${column((r) => r.input.organization)}::text[], ${column((r) => r.input.organizationalUnit)}::text[],
                        ${column((r) => hashSecret(r.secret))}::text[], ${column((r) => r.hint)}::text[], ${column((r) => r.expiresAt.toISOString())}::timestamptz[],
                        ${validDays}::int[], ${column((r) => r.input.recipientEmail)}::text[],
                        ${column((r) => JSON.stringify(r.input.subjectAltNames))}::jsonb[])
             AS r(id, name, cn, o, ou, hash, hint, exp, days, email, sans)
      RETURNING "createdAt"
    ),
    a AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT v.* FROM (${auditValuesSql(principal, eventsOf(), now)}) AS v WHERE EXISTS (SELECT 1 FROM t)
      ${approvalRequestedSql(principal, frontdoorId, rows.map((r) => r.id), now)}
    )
    SELECT count(*)::int AS n, (SELECT "name" FROM fd) AS "frontdoorName", (SELECT "approvalsRequired" FROM fd) AS "approvalsRequired", min(t."createdAt") AS "createdAt" FROM t`;
  return found?.frontdoorName ? found : null;
  });
  if (!result || result.n !== rows.length || !result.frontdoorName) {
    assertTcpSharesEnabled(await frontdoorFor(principal, frontdoorId, "operate"));
    throw new AppError("conflict", "The Frontdoor changed while the tokens were being created; try again.");
  }
  metrics().tokensCreated.inc(rows.length);
  const base = publicUrl(principal.context);
  const createdBy = principal.kind === "user" ? principal.email : null;
  const tokens: CreatedToken[] = rows.map((r, i) => ({
    ...toTokenView({
      id: r.id, name: r.input.name, frontdoorId, commonName: r.input.commonName, organization: r.input.organization, organizationalUnit: r.input.organizationalUnit,
      expiresAt: r.expiresAt, validDays: validDays[i]!, recipientEmail: r.input.recipientEmail, subjectAltNames: r.input.subjectAltNames, createdAt: result.createdAt ?? now, secretHint: r.hint,
      redeemedAt: null, revokedAt: null, ...noApprovalsYet(result.approvalsRequired ?? 0), clientCertificateId: null, createdBy: createdBy ? { email: createdBy } : null, revokedBy: null,
    }, now),
    token: r.secret,
    redemptionUrl: redemptionUrl(base, frontdoorId, r.secret),
  }));
  await emailRecipients(principal, tokens, result.frontdoorName);
  return { tokens };
}

/** What a CSV batch would create, and every error in it, for the console's preview; creates nothing. */
export function previewTokenBatch(principal: Principal, frontdoorId: string, csv: string) {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanOperateFrontdoor(principal, frontdoorId);
  return previewCsv(csv);
}

/**
 * Emails each token that names a recipient, MAIL_CONCURRENCY at a time, recording the outcome
 * on it. Once the mail server cannot be reached at all, the rest are recorded as not sent
 * without trying, so a dead server costs one timeout, not one per recipient: the response,
 * the only copy of the secrets, must not wait minutes.
 */
async function emailRecipients(principal: Principal, tokens: CreatedToken[], frontdoorName: string): Promise<void> {
  const queue = tokens.filter((t) => t.recipientEmail);
  let unreachable: string | undefined;
  const onUnreachable = (reason: string) => void (unreachable ??= `Not tried: the mail server could not be reached for an earlier link of this batch (${reason})`);
  const worker = async () => {
    for (let token = queue.shift(); token; token = queue.shift()) {
      const delivery = await deliverLink(principal, token, frontdoorName, { notTried: unreachable, onUnreachable });
      if (delivery) token.delivery = delivery;
    }
  };
  await Promise.all(Array.from({ length: MAIL_CONCURRENCY }, worker));
}
