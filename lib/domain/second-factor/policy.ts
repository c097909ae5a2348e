import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { type LiveSession, liveSession } from "@/lib/domain/access/sessions";
import type { Role } from "@/lib/generated/prisma/enums";
import { parseInput } from "@/lib/validation/parse";
import { type SecondFactorPolicy, secondFactorPolicySchema } from "@/lib/validation/second-factor";

// Who must have a second factor, and where a signed-in session may go next. The rule is
// decided here, once, from facts the session check reads in its one statement
// (lib/domain/access/sessions.ts liveSession), so pages, actions and the REST API's session cookie
// all see the same answer on every request, also right after the policy or a factor changes.

const POLICY_KEY = "secondFactorPolicy";

/** A stored value that is not a known policy (or none) is "off": the setting only ever adds a requirement. */
export const parsePolicy = (value: unknown): SecondFactorPolicy => secondFactorPolicySchema.catch("off").parse(value);

/** Whether the policy requires a user of this role to have a second factor. */
export function requiresSecondFactor(policy: SecondFactorPolicy, role: Role): boolean {
  return policy === "everyone" || (policy === "admins" && role === "admin");
}

/** Where a live session goes: the console, the second step of signing in, or setting up a factor first. */
export type SignInStep = "console" | "second_factor" | "setup";

/** The one rule for every request of a console session. */
export function signInStep(session: Pick<LiveSession, "method" | "secondFactorAt" | "role" | "hasFactor" | "policy">): SignInStep {
  // Having a factor means using it: a password (or a provider that did no MFA) alone is not
  // enough, whatever the policy.
  if (session.hasFactor) return session.secondFactorAt ? "console" : "second_factor";
  // An OIDC provider that says it did MFA (amr/acr, lib/domain/access/oidc-accounts.ts) stands in for the factor the policy asks.
  if (session.method === "oidc" && session.secondFactorAt) return "console";
  return requiresSecondFactor(parsePolicy(session.policy), session.role) ? "setup" : "console";
}

/** The installation's policy ("off" until an administrator sets one). */
export async function getSecondFactorPolicy(): Promise<SecondFactorPolicy> {
  const row = await getDb().setting.findUnique({ where: { key: POLICY_KEY }, select: { value: true } });
  return parsePolicy(row?.value);
}

/** Sets who must have a second factor (admin only); audited with the old and new value. */
export async function setSecondFactorPolicy(principal: Principal, raw: unknown): Promise<SecondFactorPolicy> {
  assertCanAdminister(principal);
  const policy = parseInput(secondFactorPolicySchema, raw);
  const updatedById = principal.kind === "user" ? principal.userId : null;
  return getDb().$transaction(async (tx) => {
    // The row lock orders concurrent changes, so each audit event's "from" is what it replaced.
    const before = await tx.$queryRaw<{ value: unknown }[]>`SELECT "value" FROM "Setting" WHERE "key" = ${POLICY_KEY} FOR UPDATE`;
    const from = parsePolicy(before[0]?.value);
    if (from === policy) return policy;
    await tx.setting.upsert({
      where: { key: POLICY_KEY },
      create: { key: POLICY_KEY, value: policy, updatedById },
      update: { value: policy, updatedAt: new Date(), updatedById },
    });
    await recordAudit(tx, principal, { action: "settings.second_factor_policy_changed", targetKind: "setting", targetId: POLICY_KEY, details: { from, to: policy } });
    return policy;
  });
}

/** Where this session goes on its next request; null when it is not live (ended, idle, too old). */
export async function sessionStep(sessionId: string, userId: string, now = new Date()): Promise<SignInStep | null> {
  const session = await liveSession(sessionId, userId, now);
  return session ? signInStep(session) : null;
}
