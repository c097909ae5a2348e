import "server-only";
import { listFrontdoors } from "@/lib/domain/frontdoors";
import type { UserPrincipal } from "@/lib/domain/access/principal";

/** The Frontdoors a page may show, and the one chosen by ?frontdoor= (else the first). */
export async function frontdoorChoice(principal: UserPrincipal, requested: string | string[] | undefined) {
  const frontdoors = await listFrontdoors(principal);
  const id = typeof requested === "string" ? requested : undefined;
  const current = frontdoors.find((f) => f.id === id) ?? (id ? null : (frontdoors[0] ?? null));
  return { frontdoors, current, isUnknown: Boolean(id) && !current };
}
