import { type AuditInput, auditValuesSql } from "@/lib/domain/audit/events";
import type { Principal } from "@/lib/domain/access/principal";
import { Prisma } from "@/lib/generated/prisma/client";

// Token creation stays one statement with approvals: the insert copies the Frontdoor's
// approvals.required onto each token (CTE `fd` must select "approvalsRequired"), and this CTE
// body adds a token.approval_requested event per new token when that is above zero, with the
// count in its details, right after each token's token.created (appended to the same INSERT
// with UNION ALL, so the log's order is creation, then request). The event queues the approvers' email (the trigger in migration
// 20261205150000_approvals) and announces the token to webhooks.

/** `UNION ALL SELECT …`: a token.approval_requested row per token id, only when `fd` requires approvals and `t` inserted rows. */
export function approvalRequestedSql(principal: Principal, frontdoorId: string, tokenIds: string[], now: Date): Prisma.Sql {
  const events: AuditInput[] = tokenIds.map((id) => ({ action: "token.approval_requested", frontdoorId, targetKind: "token", targetId: id }));
  return Prisma.sql`
    UNION ALL
    SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9, v.column10,
           v.column11 || jsonb_build_object('approvalsRequired', fd."approvalsRequired")
      FROM (${auditValuesSql(principal, events, now)}) AS v CROSS JOIN fd
     WHERE fd."approvalsRequired" > 0 AND EXISTS (SELECT 1 FROM t)`;
}
