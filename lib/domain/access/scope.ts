import { getDb, type Tx } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import { assertCanOperateFrontdoor, assertCanReadFrontdoor } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { uuidSchema } from "@/lib/validation/common";

// Every token and certificate operation starts here: the Frontdoor id must be well formed,
// visible to the caller, allowed for the kind of access, and exist. Unknown and invisible
// Frontdoors both answer frontdoor_not_found.

export type ScopedFrontdoor = { id: string; name: string; tcpSharesEnabled: boolean };

export async function frontdoorFor(
  principal: Principal,
  frontdoorId: string,
  access: "read" | "operate",
  tx?: Tx,
): Promise<ScopedFrontdoor> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  if (access === "operate") assertCanOperateFrontdoor(principal, frontdoorId);
  else assertCanReadFrontdoor(principal, frontdoorId);
  const frontdoor = await (tx ?? getDb()).frontdoor.findUnique({
    where: { id: frontdoorId },
    select: { id: true, name: true, tcpSharesEnabled: true },
  });
  if (!frontdoor) throw new AppError("frontdoor_not_found");
  return frontdoor;
}

export function assertTcpSharesEnabled(frontdoor: ScopedFrontdoor): void {
  if (!frontdoor.tcpSharesEnabled) {
    throw new AppError(
      "tcp_shares_disabled",
      `TCP shares are disabled on Frontdoor "${frontdoor.name}", so no certificate request token can be created or redeemed there. ` +
        `An administrator can switch them on under Frontdoors in the console or with \`certdoor frontdoor set ${frontdoor.id} --tcp-shares on\`.`,
    );
  }
}

/**
 * The people behind an action that decides what a certificate says: the acting user and,
 * when they act with an API key someone else made for them, that key's maker. None of them
 * may approve the result (lib/domain/tokens/approvals.ts).
 */
export function actingAuthorIds(principal: Principal): string[] {
  if (principal.kind !== "user") return [];
  const maker = principal.apiKeyMadeByOther?.userId;
  return maker && maker !== principal.userId ? [principal.userId, maker] : [principal.userId];
}

/** The user id to record as creator or revoker (null for the system itself). */
export function actingUserId(principal: Principal): string | null {
  return principal.kind === "user" ? principal.userId : null;
}
