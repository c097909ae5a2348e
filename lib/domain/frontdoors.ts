import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit";
import { ensureFrontdoorCa } from "@/lib/domain/ca";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister, assertCanReadFrontdoor, canReadEverything } from "@/lib/domain/permissions";
import type { Principal } from "@/lib/domain/principal";
import { Prisma } from "@/lib/generated/prisma/client";
import { uuidSchema } from "@/lib/validation/common";
import {
  createFrontdoorSchema,
  type CreateFrontdoorInput,
  setRenewalWindowSchema,
  type SetRenewalWindowInput,
  setTcpSharesSchema,
  type SetTcpSharesInput,
} from "@/lib/validation/frontdoors";
import { parseInput } from "@/lib/validation/parse";

export type FrontdoorView = {
  id: string;
  name: string;
  tcpSharesEnabled: boolean;
  /** Certificates may be renewed in their last N days; 0: renewal off. */
  renewalWindowDays: number;
  createdAt: Date;
  memberCount: number;
};

const frontdoorViewSelect = {
  id: true,
  name: true,
  tcpSharesEnabled: true,
  renewalWindowDays: true,
  createdAt: true,
  _count: { select: { memberships: true } },
} as const;

type FrontdoorRow = { id: string; name: string; tcpSharesEnabled: boolean; renewalWindowDays: number; createdAt: Date; _count: { memberships: number } };

const toView = ({ _count, ...row }: FrontdoorRow): FrontdoorView => ({ ...row, memberCount: _count.memberships });

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
      return toView(created);
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", `A Frontdoor named "${input.name}" already exists.`);
    }
    throw error;
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

/** Switches TCP shares on or off (admin only). */
/** Switches TCP shares on or off (admins). */
export async function setTcpShares(principal: Principal, raw: SetTcpSharesInput): Promise<FrontdoorView> {
  const input = parseInput(setTcpSharesSchema, raw);
  return changeFrontdoor(principal, input.frontdoorId, { tcpSharesEnabled: input.tcpSharesEnabled }, {
    action: input.tcpSharesEnabled ? "frontdoor.tcp_shares_enabled" : "frontdoor.tcp_shares_disabled",
  });
}

/** Sets the renewal window in days, 0 to turn renewal off (admins). */
export async function setRenewalWindow(principal: Principal, raw: SetRenewalWindowInput): Promise<FrontdoorView> {
  const input = parseInput(setRenewalWindowSchema, raw);
  return changeFrontdoor(principal, input.frontdoorId, { renewalWindowDays: input.renewalWindowDays }, {
    action: "frontdoor.renewal_window_set",
    details: { renewalWindowDays: input.renewalWindowDays },
  });
}

async function changeFrontdoor(principal: Principal, frontdoorId: string, data: Prisma.FrontdoorUpdateInput, event: { action: string; details?: Record<string, unknown> }): Promise<FrontdoorView> {
  assertCanAdminister(principal);
  return getDb().$transaction(async (tx) => {
    const updated = await tx.frontdoor.update({ where: { id: frontdoorId }, data, select: frontdoorViewSelect }).catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw new AppError("frontdoor_not_found");
      throw error;
    });
    await recordAudit(tx, principal, { ...event, frontdoorId: updated.id, targetKind: "frontdoor", targetId: updated.id });
    return toView(updated);
  });
}

/** Looks a Frontdoor up by id or exact name (CLI convenience). */
export async function findFrontdoorByIdOrName(principal: Principal, idOrName: string): Promise<FrontdoorView> {
  if (uuidSchema.safeParse(idOrName).success) return getFrontdoor(principal, idOrName);
  const row = await getDb().frontdoor.findUnique({ where: { name: idOrName }, select: { id: true } });
  if (!row) throw new AppError("frontdoor_not_found", `No Frontdoor named "${idOrName}".`);
  return getFrontdoor(principal, row.id);
}
