import { z } from "zod";

// An answer to a token that waits for approval (CONTRACT "Approvals"). Shared by the REST
// door and the console's forms.

export const APPROVAL_DECISIONS = ["approve", "reject"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const MAX_APPROVAL_COMMENT = 1000;

export const approvalAnswerSchema = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS, "Must be approve or reject"),
  comment: z
    .string()
    .trim()
    .max(MAX_APPROVAL_COMMENT, `At most ${MAX_APPROVAL_COMMENT} characters`)
    .optional()
    .transform((comment) => comment || null),
  /** The token's contentVersion the answer was given to (the console always sends it): a token changed since is refused. */
  contentVersion: z.int("Must be a whole number").min(1).max(2_147_483_647).optional(),
});
export type ApprovalAnswerInput = z.input<typeof approvalAnswerSchema>;

/** A Frontdoor's approval policy, in GET/PATCH /frontdoor/{id}. */
export const approvalPolicySchema = z.strictObject({
  required: z.int("Must be a whole number").min(0, "At least 0").max(5, "At most 5"),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
