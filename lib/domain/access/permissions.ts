import { AppError } from "@/lib/domain/errors";
import type { Principal } from "@/lib/domain/access/principal";

// The contract's role table as pure functions. Domain functions call the assert* forms;
// pages call the can* forms to decide which controls to show.

const isAdmin = (p: Principal) => p.kind === "system" || p.role === "admin";

/** May see this Frontdoor and everything on it. */
export function canReadFrontdoor(p: Principal, frontdoorId: string): boolean {
  if (p.kind === "system" || p.role === "admin" || p.role === "auditor") return true;
  return p.frontdoorIds.includes(frontdoorId);
}

/** May create, change and revoke tokens and certificates on this Frontdoor. */
export function canOperateFrontdoor(p: Principal, frontdoorId: string): boolean {
  if (isAdmin(p)) return true;
  return p.kind === "user" && p.role === "operator" && p.frontdoorIds.includes(frontdoorId);
}

/** May create Frontdoors, switch TCP shares, manage users and memberships. */
export function canAdminister(p: Principal): boolean {
  return isAdmin(p);
}

/** May read every Frontdoor, the audit log and exports. */
export function canReadEverything(p: Principal): boolean {
  return p.kind === "system" || p.role === "admin" || p.role === "auditor";
}

/**
 * A Frontdoor the caller may not see is reported as not found, so ids of other tenants
 * cannot be probed.
 */
export function assertCanReadFrontdoor(p: Principal, frontdoorId: string): void {
  if (!canReadFrontdoor(p, frontdoorId)) throw new AppError("frontdoor_not_found");
}

export function assertCanOperateFrontdoor(p: Principal, frontdoorId: string): void {
  assertCanReadFrontdoor(p, frontdoorId);
  if (!canOperateFrontdoor(p, frontdoorId)) {
    throw new AppError("forbidden", "Your role may read this Frontdoor but not change it.");
  }
}

export function assertCanAdminister(p: Principal): void {
  if (!canAdminister(p)) throw new AppError("forbidden", "Only an administrator may do this.");
}

export function assertCanReadEverything(p: Principal): void {
  if (!canReadEverything(p)) throw new AppError("forbidden", "Only administrators and auditors may see this.");
}
