import "server-only";
import type { Tx } from "@/lib/db";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { openText, sealText } from "@/lib/domain/keys";
import type { IntuneSettingsInput } from "@/lib/validation/scep";

// A Frontdoor's Microsoft Intune settings: the Entra ID app registration Certdoor signs in
// as to reach Intune's SCEP validation service. The client secret is sealed under the master
// key, bound to the Frontdoor, and only this module opens it, for the Intune client; views,
// audit events and logs carry `clientSecretSet` instead.

/** What the API, console and CLI show: never the secret. */
export type IntuneSettingsView = { tenantId: string; clientId: string; clientSecretSet: true };

/** What the Intune client needs to sign in. */
export type IntuneCredentials = { tenantId: string; clientId: string; clientSecret: string };

const boundTo = (frontdoorId: string) => `intune:${frontdoorId}`;

export const intuneView = (row: { tenantId: string; clientId: string } | null | undefined): IntuneSettingsView | null =>
  row ? { tenantId: row.tenantId, clientId: row.clientId, clientSecretSet: true } : null;

/** The before and after of a change, for the frontdoor.updated event (no secret in either). */
export type IntuneChange = { before: IntuneSettingsView | null; after: IntuneSettingsView | null; clientSecretChanged: boolean };

/**
 * Applies a PATCH's `scep.intune` inside the caller's transaction: null removes the settings,
 * an object sets them (a left-out clientSecret keeps the stored one). Null when nothing changed.
 */
export async function changeIntuneSettings(tx: Tx, frontdoorId: string, wanted: IntuneSettingsInput | null | undefined): Promise<IntuneChange | null> {
  if (wanted === undefined) return null;
  const stored = await tx.frontdoorIntune.findUnique({ where: { frontdoorId }, select: { tenantId: true, clientId: true, sealedClientSecret: true } });
  const before = intuneView(stored);
  if (wanted === null) {
    if (!stored) return null;
    await tx.frontdoorIntune.delete({ where: { frontdoorId } });
    return { before, after: null, clientSecretChanged: true };
  }
  if (!wanted.clientSecret && !stored) {
    throw new AppError("validation_failed", "scep.intune.clientSecret: Give the client secret when setting Intune up", [
      { path: "scep.intune.clientSecret", message: "Give the client secret when setting Intune up" },
    ]);
  }
  const clientSecretChanged = Boolean(wanted.clientSecret) && (!stored || openText(stored.sealedClientSecret, boundTo(frontdoorId)) !== wanted.clientSecret);
  if (stored && !clientSecretChanged && stored.tenantId === wanted.tenantId && stored.clientId === wanted.clientId) return null;
  const sealedClientSecret = clientSecretChanged ? sealText(wanted.clientSecret!, boundTo(frontdoorId)) : stored!.sealedClientSecret;
  const data = { tenantId: wanted.tenantId, clientId: wanted.clientId, sealedClientSecret, updatedAt: new Date() };
  await tx.frontdoorIntune.upsert({ where: { frontdoorId }, create: { frontdoorId, ...data }, update: data });
  return { before, after: intuneView(data), clientSecretChanged };
}

/** The Frontdoor's Intune credentials with the secret opened, or null when Intune is not set up. */
export async function intuneCredentials(frontdoorId: string): Promise<IntuneCredentials | null> {
  const row = await getDb().frontdoorIntune.findUnique({ where: { frontdoorId }, select: { tenantId: true, clientId: true, sealedClientSecret: true } });
  if (!row) return null;
  return { tenantId: row.tenantId, clientId: row.clientId, clientSecret: openText(row.sealedClientSecret, boundTo(frontdoorId)) };
}
