import { getDb } from "@/lib/db";
import { approvalRequestMail } from "@/lib/email/approval-request";
import { isMailConfigured, sendMail } from "@/lib/email/mailer";
import { logger } from "@/lib/observability/log";
import { publicUrl } from "@/lib/runtime/public-url";

// Approvers learn of pending tokens by email (when SMTP is set). The job `approvals.notify`
// is queued by a trigger with each token.approval_requested event (migrations
// 20261205150000_approvals and 20261205160000_approval_authors), one per Frontdoor for a burst,
// so a batch of 1,000 pending tokens is one message per approver. The job claims the
// Frontdoor's pending tokens nobody was told of yet (one statement, committed at once, so no
// token row stays locked while mail is sent) and mails each approver those they may answer
// (never the ones they wrote). When no message could be sent at all, the claim is handed back
// and the job fails, so the queue tries again (14 times over a day); a message refused for one
// approver while others went out is logged, not retried.

export const APPROVAL_NOTICE_TASK = "approvals.notify";

type Pending = { id: string; name: string; commonName: string | null; expiresAt: Date; authorIds: string[] };
type Approver = { id: string; email: string };

/** Mails the approvers of a Frontdoor about its pending tokens not yet announced; returns how many messages went. */
export async function notifyApprovers(frontdoorId: string, now = new Date()): Promise<number> {
  if (!isMailConfigured()) return 0; // left unclaimed: the next request after SMTP is set announces them too
  const db = getDb();
  const tokens = await db.$queryRaw<Pending[]>`
    UPDATE "CertificateRequestToken" SET "approvalNotifiedAt" = ${now}::timestamptz
     WHERE "frontdoorId" = ${frontdoorId}::uuid AND "approvalNotifiedAt" IS NULL
       AND "approvalsRequired" > 0 AND "approvedAt" IS NULL AND "rejectedAt" IS NULL
       AND "redeemedAt" IS NULL AND "revokedAt" IS NULL AND "expiresAt" > ${now}::timestamptz
    RETURNING "id", "name", "commonName", "expiresAt", "authorIds"::text[] AS "authorIds"`;
  if (tokens.length === 0) return 0;
  // CONTRACT: approvers are admins and the Frontdoor's member operators; auditors never.
  const approvers = await db.$queryRaw<Approver[]>`
    SELECT u."id"::text AS "id", u."email" FROM "User" u
     WHERE u."disabledAt" IS NULL
       AND (u."role" = 'admin' OR (u."role" = 'operator' AND EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = u."id" AND m."frontdoorId" = ${frontdoorId}::uuid)))
     ORDER BY u."email"`;
  const [frontdoor] = await db.$queryRaw<{ name: string }[]>`SELECT "name" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid`;
  const approvalsUrl = `${publicUrl()}/approvals`;
  let sent = 0;
  let failed = 0;
  for (const approver of approvers) {
    const theirs = tokens.filter((t) => !t.authorIds.includes(approver.id)).sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
    if (theirs.length === 0) continue;
    try {
      await sendMail(approvalRequestMail({ to: approver.email, frontdoorName: frontdoor?.name ?? frontdoorId, tokens: theirs, approvalsUrl }));
      sent++;
    } catch (error) {
      failed++;
      logger("approvals").warn({ err: error, to: approver.email, frontdoorId }, "could not email an approver");
    }
  }
  if (sent === 0 && failed > 0) {
    await db.$executeRaw`
      UPDATE "CertificateRequestToken" SET "approvalNotifiedAt" = NULL
       WHERE "id" = ANY(${tokens.map((t) => t.id)}::text[]) AND "approvalNotifiedAt" = ${now}::timestamptz`;
    throw new Error(`no approver of Frontdoor ${frontdoorId} could be emailed; the queue tries again`);
  }
  return sent;
}
