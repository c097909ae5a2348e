import { randomUUID } from "node:crypto";
import { createFrontdoor } from "@/lib/domain/frontdoors";
import { type Principal, systemPrincipal, type UserPrincipal } from "@/lib/domain/access/principal";
import { createUser, loadUserPrincipal } from "@/lib/domain/access/users";
import type { Role } from "@/lib/generated/prisma/enums";

// Real rows through the real domain functions; tests never fake a principal's rights.

export const system: Principal = systemPrincipal("test");

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function makeFrontdoor(options: { tcpSharesEnabled?: boolean } = {}) {
  return createFrontdoor(system, { name: uniqueName("fd"), tcpSharesEnabled: options.tcpSharesEnabled ?? true });
}

export async function makeUser(role: Role, frontdoorIds: string[] = [], password = "correct horse battery staple") {
  const email = `${uniqueName(role)}@example.test`;
  const { user } = await createUser(system, { email, role, password, frontdoorIds });
  const principal = (await loadUserPrincipal({ id: user.id })) as UserPrincipal;
  return { user, principal, email, password };
}
