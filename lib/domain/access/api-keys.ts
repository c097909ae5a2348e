import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { canAdminister } from "@/lib/domain/access/permissions";
import type { Principal, RequestContext, UserPrincipal } from "@/lib/domain/access/principal";
import { hashSecret, newApiKey } from "@/lib/domain/tokens/secret";
import { cacheApiKey, cachedApiKey, forgetApiKeys } from "@/lib/domain/access/api-key-cache";
import { loadUserPrincipal } from "@/lib/domain/access/users";
import { apiKeyIdSchema, type CreateApiKeyInput, createApiKeySchema } from "@/lib/validation/api-keys";
import { parseInput } from "@/lib/validation/parse";
import { logger } from "@/lib/observability/log";

// API keys (`cdk_…`) act with their owner's role and memberships. Only the SHA-256 is
// stored; the key is returned once, at creation.

export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  owner: string;
  /** Who made it; null when the CLI (the installation itself) did. */
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  owner: { select: { email: true } },
  createdBy: { select: { email: true } },
} as const;

type ApiKeyRow = Omit<ApiKeyView, "owner" | "createdBy"> & { owner: { email: string }; createdBy: { email: string } | null };
const toView = ({ owner, createdBy, ...row }: ApiKeyRow): ApiKeyView => ({ ...row, owner: owner.email, createdBy: createdBy?.email ?? null });

/** How audit events name what a key does: its prefix and who made it. */
export const apiKeyLabel = (prefix: string, createdBy: string | null) => `key ${prefix}…, made by ${createdBy ?? "the CLI"}`;

/** Writing lastUsedAt on every request would turn reads into writes; once a minute is enough. */
const LAST_USED_RESOLUTION_MS = 60_000;

async function ownerFor(principal: Principal, ownerEmail: string | undefined): Promise<{ id: string; email: string }> {
  if (ownerEmail && (principal.kind === "system" || canAdminister(principal))) {
    const owner = await getDb().user.findUnique({ where: { email: ownerEmail }, select: { id: true, email: true, disabledAt: true } });
    if (!owner) throw new AppError("user_not_found", `No user with the email ${ownerEmail}.`);
    if (owner.disabledAt) throw new AppError("forbidden", `${ownerEmail} is disabled.`);
    return owner;
  }
  if (principal.kind !== "user") throw new AppError("validation_failed", "Name the key's owner (ownerEmail).");
  if (principal.role === "auditor") throw new AppError("forbidden", "Auditors change nothing; an administrator can create a key for you.");
  if (ownerEmail && ownerEmail !== principal.email) throw new AppError("forbidden", "Only administrators create keys for other users.");
  return { id: principal.userId, email: principal.email };
}

/** Creates an API key for the caller (or, for admins and the CLI, for a named user). */
export async function createApiKey(principal: Principal, raw: CreateApiKeyInput): Promise<ApiKeyView & { key: string }> {
  const input = parseInput(createApiKeySchema, raw);
  const owner = await ownerFor(principal, input.ownerEmail);
  const key = newApiKey();
  const row = await getDb().$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { name: input.name, prefix: key.slice(0, 10), keyHash: hashSecret(key), ownerId: owner.id, createdById: principal.kind === "user" ? principal.userId : null },
      select: apiKeySelect,
    });
    await recordAudit(tx, principal, {
      action: "api_key.created",
      targetKind: "api_key",
      targetId: created.id,
      details: { name: created.name, owner: owner.email, prefix: created.prefix, createdBy: created.createdBy?.email ?? null },
    });
    return created;
  });
  return { ...toView(row), key };
}

/** The caller's keys; administrators and auditors see every key. */
export async function listApiKeys(principal: Principal): Promise<ApiKeyView[]> {
  const seesAll = principal.kind === "system" || principal.role === "admin" || principal.role === "auditor";
  const rows = await getDb().apiKey.findMany({
    where: seesAll ? {} : { ownerId: principal.userId },
    select: apiKeySelect,
    orderBy: { createdAt: "desc" },
  });
  return rows.map(toView);
}

/** Revokes a key (its owner or an administrator); it answers 401 from then on. */
export async function revokeApiKey(principal: Principal, apiKeyId: string): Promise<ApiKeyView> {
  if (!apiKeyIdSchema.safeParse(apiKeyId).success) throw new AppError("api_key_not_found");
  const view = await getDb().$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: apiKeyId }, select: { ownerId: true, revokedAt: true } });
    const isOwner = principal.kind === "user" && key?.ownerId === principal.userId;
    if (!key || !(isOwner || principal.kind === "system" || canAdminister(principal))) throw new AppError("api_key_not_found");
    if (principal.kind === "user" && principal.role === "auditor") throw new AppError("forbidden", "Auditors change nothing.");
    if (!key.revokedAt) {
      await tx.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });
      await recordAudit(tx, principal, { action: "api_key.revoked", targetKind: "api_key", targetId: apiKeyId });
    }
    return toView(await tx.apiKey.findUniqueOrThrow({ where: { id: apiKeyId }, select: apiKeySelect }));
  });
  forgetApiKeys(apiKeyId); // after the commit, so no lookup can cache the key as still valid
  return view;
}

/** The principal a bearer key acts as, or null for an unknown or revoked key or a disabled owner. */
export async function authenticateApiKey(key: string, context?: RequestContext): Promise<UserPrincipal | null> {
  if (!/^cdk_[0-9A-Za-z]{16,128}$/.test(key)) return null;
  const keyHash = hashSecret(key);
  const now = Date.now();
  const cached = cachedApiKey(keyHash, now);
  if (cached) return cached.principal && { ...cached.principal, context };

  const db = getDb();
  const row = await db.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, ownerId: true, prefix: true, revokedAt: true, lastUsedAt: true, createdById: true, createdBy: { select: { email: true } } },
  });
  const madeByOther = row && row.createdById !== row.ownerId ? { apiKeyMadeByOther: { userId: row.createdById } } : {};
  const principal = row && !row.revokedAt ? await loadUserPrincipal({ id: row.ownerId }, { apiKeyId: row.id, apiKeyLabel: apiKeyLabel(row.prefix, row.createdBy?.email ?? null), ...madeByOther }) : null;
  cacheApiKey(keyHash, { at: now, principal, id: row?.id ?? null });
  if (principal && row && (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)) {
    // Off the request's path: a missed update only makes "last used" a minute staler.
    db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch((error: unknown) => logger("api-keys").error({ err: error }, "could not record last use"));
  }
  return principal && { ...principal, context };
}
