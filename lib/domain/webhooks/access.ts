import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister, assertCanReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { frontdoorFor, type ScopedFrontdoor } from "@/lib/domain/access/scope";
import { openText, sealText } from "@/lib/domain/keys";

// Who may touch a Frontdoor's webhooks, how one is found, and how its secret is kept.
// Webhooks are administration: admins change them; admins and auditors read them; an
// operator's membership does not reach them (their payloads cover every token).

/** The Frontdoor, for an administrator (others: frontdoor_not_found or forbidden). */
export async function frontdoorToAdminister(principal: Principal, frontdoorId: string, tx?: Tx): Promise<ScopedFrontdoor> {
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read", tx);
  assertCanAdminister(principal);
  return frontdoor;
}

/** The Frontdoor, for an administrator or auditor. */
export async function frontdoorToAudit(principal: Principal, frontdoorId: string): Promise<ScopedFrontdoor> {
  const frontdoor = await frontdoorFor(principal, frontdoorId, "read");
  assertCanReadEverything(principal);
  return frontdoor;
}

export const webhookViewSelect = {
  id: true,
  frontdoorId: true,
  url: true,
  description: true,
  events: true,
  createdAt: true,
  failingSince: true,
  disabledAt: true,
  disabledReason: true,
} as const;

type WebhookRow = {
  id: string;
  frontdoorId: string;
  url: string;
  description: string | null;
  events: string[];
  createdAt: Date;
  failingSince: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
};

/** The contract's webhook object, never with its secret. */
export type WebhookView = WebhookRow & { enabled: boolean };

export const toWebhookView = (row: WebhookRow): WebhookView => ({ ...row, enabled: row.disabledAt === null });

/** One webhook of this Frontdoor (a webhook of another one is not found). */
export async function webhookOn(db: Db | Tx, frontdoorId: string, webhookId: string): Promise<WebhookView> {
  const row = await db.webhook.findFirst({ where: { id: String(webhookId), frontdoorId }, select: webhookViewSelect });
  if (!row) throw new AppError("webhook_not_found", `No webhook ${webhookId} on this Frontdoor.`);
  return toWebhookView(row);
}

/** A Standard Webhooks secret: "whsec_" + base64 of 32 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** The secret sealed for storage, bound to its webhook (AES-256-GCM, the id as AAD, as CA keys are). */
export const sealSecret = (secret: string, webhookId: string) => sealText(secret, webhookId);

export const openSecret = (sealed: string, webhookId: string) => openText(sealed, webhookId);
