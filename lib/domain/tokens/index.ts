// The certificate request token domain: the only code that writes tokens.
export { type CreatedToken, createToken } from "@/lib/domain/tokens/create";
export { findToken, getToken, listTokens, type TokenDetail } from "@/lib/domain/tokens/read";
export { answerToken, approvalsOf, type ApprovalAnswer } from "@/lib/domain/tokens/approvals";
export { tokensCsvStream } from "@/lib/domain/tokens/export";
export type { Page } from "@/lib/validation/paging";
export { revokeToken, updateToken } from "@/lib/domain/tokens/change";
export { rotateToken } from "@/lib/domain/tokens/rotate";
export { createTokenBatch, previewTokenBatch } from "@/lib/domain/tokens/batch";
export type { Delivery } from "@/lib/domain/tokens/deliver";
export { countPurgeableTokens, purgeTokens } from "@/lib/domain/tokens/purge";
export { type TokenStatus, tokenStatus, TOKEN_STATUSES } from "@/lib/domain/tokens/status";
export type { TokenView } from "@/lib/domain/tokens/view";
