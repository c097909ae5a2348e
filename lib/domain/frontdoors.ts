import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { ensureFrontdoorCa } from "@/lib/domain/ca/store";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister, assertCanReadFrontdoor, canReadEverything } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { Prisma } from "@/lib/generated/prisma/client";
import { rulesOf } from "@/lib/domain/names/enforce";
import type { NamePolicy } from "@/lib/domain/names/policy";
import type { ApprovalPolicy } from "@/lib/validation/approvals";
import { uuidSchema } from "@/lib/validation/common";
import { createFrontdoorSchema, type CreateFrontdoorInput, type FrontdoorProfile, updateFrontdoorSchema, type UpdateFrontdoorInput } from "@/lib/validation/frontdoors";
import { parseInput } from "@/lib/validation/parse";
import { changeIntuneSettings, type IntuneSettingsView, intuneView } from "@/lib/domain/scep/intune/settings";

/** The CA that signs the Frontdoor's new certificates now. */
export type IssuingCaView = { id: string; generation: number; notBefore: Date; notAfter: Date };

// The API's Frontdoor object (GET/PATCH /frontdoor/{id}, POST /frontdoors) as well as the
// console's and the CLI's: settings are flat keys, so later ones are added beside these.
export type FrontdoorView = {
  id: string;
  name: string;
  tcpSharesEnabled: boolean;
  /** Certificates may be renewed in their last N days; 0: renewal off. */
  renewalWindowDays: number;
  /** The certificate profile every door issues with (names/enforce.ts applies it). */
  profile: FrontdoorProfile;
  /** Allowed and denied names; {} allows every name. */
  namePolicy: NamePolicy;
  /** How many people other than a token's creator must approve each new token (CONTRACT "Approvals"). */
  approvals: ApprovalPolicy;
  createdAt: Date;
  memberCount: number;
  /** null only inside the transaction that creates the Frontdoor, before its CA exists. */
  issuingCa: IssuingCaView | null;
  /** SCEP settings: Microsoft Intune validation (null: not set up); the client secret is never shown. */
  scep: { intune: IntuneSettingsView | null };
};

const frontdoorViewSelect = {
  id: true,
  name: true,
  tcpSharesEnabled: true,
  renewalWindowDays: true,
  profile: true,
  namePolicy: true,
  approvalsRequired: true,
  createdAt: true,
  _count: { select: { memberships: true } },
  cas: { where: { kind: "intermediate", retiredAt: null }, select: { id: true, generation: true, notBefore: true, notAfter: true }, orderBy: { generation: "desc" }, take: 1 },
  intune: { select: { tenantId: true, clientId: true } },
} as const satisfies Prisma.FrontdoorSelect;

type FrontdoorRow = Prisma.FrontdoorGetPayload<{ select: typeof frontdoorViewSelect }>;

const toView = ({ _count, cas, profile, namePolicy, approvalsRequired, intune, ...row }: FrontdoorRow): FrontdoorView => {
  const rules = rulesOf({ profile, namePolicy });
  return { ...row, profile: rules.profile, namePolicy: rules.namePolicy, approvals: { required: approvalsRequired }, memberCount: _count.memberships, issuingCa: cas[0] ?? null, scep: { intune: intuneView(intune) } };
};

/** Names are unique: the database's refusal of a taken one is the contract's conflict. */
function nameTakenAsConflict(error: unknown, name: string | undefined): unknown {
  const isTaken = error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
  return isTaken ? new AppError("conflict", `A Frontdoor named "${name}" already exists.`) : error;
}

/** Creates a Frontdoor (admin only). */
export async function createFrontdoor(principal: Principal, raw: CreateFrontdoorInput): Promise<FrontdoorView> {
  assertCanAdminister(principal);
  const input = parseInput(createFrontdoorSchema, raw);
  try {
    return await getDb().$transaction(
      async (tx) => {
      const created = await tx.frontdoor.create({
        data: { name: input.name, tcpSharesEnabled: input.tcpSharesEnabled },
        select: frontdoorViewSelect,
      });
      await ensureFrontdoorCa(tx, created);
      await recordAudit(tx, principal, {
        action: "frontdoor.created",
        frontdoorId: created.id,
        targetKind: "frontdoor",
        targetId: created.id,
        details: { name: created.name, tcpSharesEnabled: created.tcpSharesEnabled },
      });
      // Read again: the select above ran before the Frontdoor had its issuing CA.
      return toView(await tx.frontdoor.findUniqueOrThrow({ where: { id: created.id }, select: frontdoorViewSelect }));
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    throw nameTakenAsConflict(error, input.name);
  }
}

/** Frontdoors the caller may see: all for admins and auditors, memberships for operators. */
export async function listFrontdoors(principal: Principal): Promise<FrontdoorView[]> {
  const where = canReadEverything(principal) || principal.kind === "system" ? {} : { id: { in: [...principal.frontdoorIds] } };
  const rows = await getDb().frontdoor.findMany({ where, select: frontdoorViewSelect, orderBy: { name: "asc" } });
  return rows.map(toView);
}

/** One Frontdoor, or frontdoor_not_found when it does not exist or the caller may not see it. */
export async function getFrontdoor(principal: Principal, frontdoorId: string): Promise<FrontdoorView> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanReadFrontdoor(principal, frontdoorId);
  const row = await getDb().frontdoor.findUnique({ where: { id: frontdoorId }, select: frontdoorViewSelect });
  if (!row) throw new AppError("frontdoor_not_found");
  return toView(row);
}

const SETTINGS = ["name", "tcpSharesEnabled", "renewalWindowDays", "profile", "namePolicy", "approvals"] as const;
type Settings = Pick<FrontdoorView, (typeof SETTINGS)[number]>;

/** Equal settings, objects compared by content whatever their key order (jsonb reorders keys). */
const sameSetting = (a: unknown, b: unknown) => canonical(a) === canonical(b);
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/**
 * Changes a Frontdoor's settings (admins), audited as frontdoor.updated with the before and
 * after of each field that changed. The row is locked first, so "before" is what this
 * change replaced even when two run at once; "after" is read back from the written row.
 * NO KEY: the lock an UPDATE takes anyway, which lets tokens and certificates referencing
 * the Frontdoor be written meanwhile (FOR UPDATE would hold them up).
 */
export async function updateFrontdoor(principal: Principal, frontdoorId: string, raw: UpdateFrontdoorInput): Promise<FrontdoorView> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  assertCanReadFrontdoor(principal, frontdoorId);
  assertCanAdminister(principal);
  const input = parseInput(updateFrontdoorSchema, raw);
  try {
    return await getDb().$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<(Omit<Settings, "profile" | "namePolicy" | "approvals"> & { profile: unknown; namePolicy: unknown; approvalsRequired: number })[]>`
        SELECT "name", "tcpSharesEnabled", "renewalWindowDays", "profile", "namePolicy", "approvalsRequired" FROM "Frontdoor" WHERE "id" = ${frontdoorId}::uuid FOR NO KEY UPDATE`;
      if (!row) throw new AppError("frontdoor_not_found");
      const { profile, namePolicy } = rulesOf(row);
      const { approvalsRequired, ...plain } = row;
      const before: Settings = { ...plain, profile, namePolicy, approvals: { required: approvalsRequired } };
      // A profile change gives some fields; the others stay. A name policy is replaced whole.
      const wanted: Partial<Settings> = { ...input, profile: input.profile && { ...before.profile, ...input.profile } };
      const changed = SETTINGS.filter((key) => wanted[key] !== undefined && !sameSetting(wanted[key], before[key]));
      // Intune's settings live in their own row, with a secret no event may carry (settings.ts).
      const intune = await changeIntuneSettings(tx, frontdoorId, input.scep?.intune);
      if (changed.length === 0 && !intune) return toView(await tx.frontdoor.findUniqueOrThrow({ where: { id: frontdoorId }, select: frontdoorViewSelect }));
      const { approvals, ...data } = pick(wanted, changed);
      // Tokens copy the count when they are made: a change reaches new tokens only.
      const columns = { ...data, ...(approvals ? { approvalsRequired: approvals.required } : {}) };
      const updated = toView(changed.length > 0 ? await tx.frontdoor.update({ where: { id: frontdoorId }, data: columns, select: frontdoorViewSelect }) : await tx.frontdoor.findUniqueOrThrow({ where: { id: frontdoorId }, select: frontdoorViewSelect }));
      const scep = (side: "before" | "after") => (intune ? { scep: { intune: intune[side] } } : {});
      await recordAudit(tx, principal, {
        action: "frontdoor.updated",
        frontdoorId,
        targetKind: "frontdoor",
        targetId: frontdoorId,
        details: { before: { ...pick(before, changed), ...scep("before") }, after: { ...pick(updated, changed), ...scep("after") }, ...(intune?.clientSecretChanged ? { intuneClientSecretChanged: true } : {}) },
      });
      return updated;
    });
  } catch (error) {
    throw nameTakenAsConflict(error, input.name);
  }
}

const pick = <T extends Partial<Settings>>(from: T, keys: readonly (keyof Settings)[]): Partial<Settings> => Object.fromEntries(keys.map((key) => [key, from[key]]));

/** Looks a Frontdoor up by id or exact name (CLI convenience). */
export async function findFrontdoorByIdOrName(principal: Principal, idOrName: string): Promise<FrontdoorView> {
  if (uuidSchema.safeParse(idOrName).success) return getFrontdoor(principal, idOrName);
  const row = await getDb().frontdoor.findUnique({ where: { name: idOrName }, select: { id: true } });
  if (!row) throw new AppError("frontdoor_not_found", `No Frontdoor named "${idOrName}".`);
  return getFrontdoor(principal, row.id);
}
