import { db } from "./db";

// Tokens for the specs, made through the domain layer the console and API use.

export async function defaultFrontdoorId(): Promise<string> {
  return (await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } })).id;
}

export async function makeToken(fields: { name?: string; commonName?: string; organization?: string; organizationalUnit?: string } = {}, frontdoorId?: string) {
  await db();
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return createToken(systemPrincipal("e2e"), frontdoorId ?? (await defaultFrontdoorId()), { name: "e2e token", ...fields });
}

export const linkPath = (token: { redemptionUrl: string }) => new URL(token.redemptionUrl).pathname + new URL(token.redemptionUrl).hash;
