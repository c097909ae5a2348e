"use server";

import { revalidatePath } from "next/cache";
import { runAction, textArg } from "@/lib/console/action";
import { AppError } from "@/lib/domain/errors";
import { countPurgeableTokens, createToken, createTokenBatch, previewTokenBatch, purgeTokens, revokeToken, rotateToken, updateToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import type { CreateTokenInput } from "@/lib/validation/tokens";
import { retentionSchema } from "@/lib/validation/tokens";

// The console's token mutations: each one authenticates and calls the same domain
// function as the REST API.

const retention = () => retentionSchema.parse(env.TOKEN_RETENTION);

export async function createTokenAction(frontdoorId: string, input: CreateTokenInput) {
  const result = await runAction((p) => createToken(p, textArg(frontdoorId), input));
  if (result.ok) revalidatePath("/");
  return result;
}

export async function revokeTokensAction(frontdoorId: string, tokenIds: string[]) {
  return runAction(async (p) => {
    const revoked: string[] = [];
    for (const id of (Array.isArray(tokenIds) ? tokenIds : []).slice(0, 500)) revoked.push((await revokeToken(p, textArg(frontdoorId), textArg(id))).id);
    return { revoked };
  });
}

export async function expireTokenAction(frontdoorId: string, tokenId: string) {
  return runAction((p) => updateToken(p, textArg(frontdoorId), textArg(tokenId), { expiresAt: new Date().toISOString() }));
}

export async function extendTokenAction(frontdoorId: string, tokenId: string, hours: number) {
  return runAction((p) => {
    if (typeof hours !== "number" || !Number.isFinite(hours)) throw new AppError("validation_failed", "The extension must be a number of hours.");
    const until = new Date(Date.now() + Math.min(Math.max(hours, 1), 30 * 24) * 3_600_000);
    return updateToken(p, textArg(frontdoorId), textArg(tokenId), { expiresAt: until.toISOString() });
  });
}

export async function previewPurgeAction(frontdoorId: string) {
  return runAction(async (p) => ({ count: await countPurgeableTokens(p, { frontdoorId: textArg(frontdoorId), retentionMs: retention() }), retention: env.TOKEN_RETENTION }));
}

export async function purgeTokensAction(frontdoorId: string) {
  return runAction((p) => purgeTokens(p, { frontdoorId: textArg(frontdoorId), retentionMs: retention() }));
}

/** A new secret for an active token; the old link stops working. Shown once, like creation. */
export async function rotateTokenAction(frontdoorId: string, tokenId: string) {
  return runAction((p) => rotateToken(p, textArg(frontdoorId), textArg(tokenId)));
}

/** The console's CSV import: the same all-or-nothing batch as the API. */
export async function createTokenBatchAction(frontdoorId: string, csv: string) {
  const result = await runAction((p) => createTokenBatch(p, textArg(frontdoorId), { csv: textArg(csv) }));
  if (result.ok) revalidatePath("/");
  return result;
}

/** Every row of an uploaded CSV and every error in it; nothing is created. */
export async function previewTokenBatchAction(frontdoorId: string, csv: string) {
  return runAction(async (p) => previewTokenBatch(p, textArg(frontdoorId), textArg(csv)));
}
