import { createHash } from "node:crypto";
import { getDb } from "@/lib/db";
import { burnPasswordCheck, generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { forgetApiKeys } from "@/lib/domain/access/api-key-cache";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import { endSessionsOf } from "@/lib/domain/access/sessions";
import type { Principal, UserPrincipal } from "@/lib/domain/access/principal";
import type { Role } from "@/lib/generated/prisma/enums";
import { parseInput } from "@/lib/validation/parse";
import { createUserSchema, type CreateUserInput, updateUserSchema, type UpdateUserInput } from "@/lib/validation/users";

export type UserView = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  isDisabled: boolean;
  frontdoors: { id: string; name: string }[];
  /** Has an authenticator app or a passkey (an administrator may reset them). */
  hasSecondFactor: boolean;
  /** Bound to an OIDC provider account; or made for OIDC (no password) and awaiting its first sign-in. */
  oidc: "linked" | "awaiting_first_sign_in" | null;
  createdAt: Date;
};

const userViewSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  createdAt: true,
  memberships: { select: { frontdoor: { select: { id: true, name: true } } }, orderBy: { frontdoor: { name: "asc" } } },
  totp: { select: { confirmedAt: true } },
  _count: { select: { passkeys: true } },
  oidcSubject: true,
  passwordHash: true,
} as const;

type UserRow = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: Date | null;
  createdAt: Date;
  memberships: { frontdoor: { id: string; name: string } }[];
  totp: { confirmedAt: Date | null } | null;
  _count: { passkeys: number };
  oidcSubject: string | null;
  passwordHash: string | null;
};

function toView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    isDisabled: row.disabledAt !== null,
    frontdoors: row.memberships.map((m) => m.frontdoor),
    hasSecondFactor: Boolean(row.totp?.confirmedAt) || row._count.passkeys > 0,
    oidc: row.oidcSubject ? "linked" : row.passwordHash ? null : "awaiting_first_sign_in",
    createdAt: row.createdAt,
  };
}

async function assertFrontdoorsExist(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await getDb().frontdoor.count({ where: { id: { in: ids } } });
  if (found !== new Set(ids).size) throw new AppError("frontdoor_not_found", "One of the Frontdoors does not exist.");
}

/** Creates a user (admin only); returns the generated password once when none was given. */
export async function createUser(
  principal: Principal,
  raw: CreateUserInput,
): Promise<{ user: UserView; generatedPassword?: string }> {
  assertCanAdminister(principal);
  const input = parseInput(createUserSchema, raw);
  await assertFrontdoorsExist(input.frontdoorIds);
  const generatedPassword = input.password || input.isOidcOnly ? undefined : generatePassword();
  const password = input.password ?? generatedPassword;
  // No password: the user can only sign in through OIDC, and is bound at the first one.
  const passwordHash = password ? await hashPassword(password) : null;
  const db = getDb();
  const user = await db.$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (exists) throw new AppError("conflict", `A user with the email ${input.email} already exists.`);
    const created = await tx.user.create({
      data: {
        email: input.email,
        name: input.name ?? null,
        role: input.role,
        passwordHash,
        memberships: { create: [...new Set(input.frontdoorIds)].map((frontdoorId) => ({ frontdoorId })) },
      },
      select: userViewSelect,
    });
    await recordAudit(tx, principal, {
      action: "user.created",
      targetKind: "user",
      targetId: created.id,
      details: { email: created.email, role: created.role, frontdoorIds: input.frontdoorIds, ...(input.isOidcOnly ? { signIn: "oidc" } : {}) },
    });
    return created;
  });
  return { user: toView(user), generatedPassword };
}

/** Changes a user's role, name, memberships or disabled state (admin only). */
export async function updateUser(principal: Principal, raw: UpdateUserInput): Promise<UserView> {
  assertCanAdminister(principal);
  const input = parseInput(updateUserSchema, raw);
  if (principal.kind === "user" && principal.userId === input.userId) {
    if (input.isDisabled === true) throw new AppError("forbidden", "You cannot disable your own account.");
    if (input.role && input.role !== "admin") throw new AppError("forbidden", "You cannot take away your own admin role.");
  }
  if (input.frontdoorIds) await assertFrontdoorsExist(input.frontdoorIds);
  const view = await getDb().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.userId }, select: userViewSelect });
    if (!before) throw new AppError("user_not_found");
    if (input.frontdoorIds) {
      await tx.membership.deleteMany({ where: { userId: input.userId } });
      await tx.membership.createMany({
        data: [...new Set(input.frontdoorIds)].map((frontdoorId) => ({ userId: input.userId, frontdoorId })),
      });
    }
    const disabledAt =
      input.isDisabled === undefined ? undefined : input.isDisabled ? (before.disabledAt ?? new Date()) : null;
    const after = await tx.user.update({
      where: { id: input.userId },
      data: { role: input.role, name: input.name, disabledAt },
      select: userViewSelect,
    });
    // Disabling ends every session in this transaction (after the user row is locked by the
    // update, so a sign-in racing it is either ended here or refused: startSession). Enabling
    // again revives none of them; API keys only pause (loadUserPrincipal refuses a disabled owner).
    const sessionsEnded = input.isDisabled === true ? await endSessionsOf(tx, input.userId, "user_disabled") : 0;
    const changes: Record<string, unknown> = sessionsEnded ? { sessionsEnded } : {};
    if (input.role && input.role !== before.role) changes.role = { from: before.role, to: input.role };
    if (input.name !== undefined && input.name !== before.name) changes.name = { to: input.name };
    if (input.frontdoorIds) changes.frontdoorIds = input.frontdoorIds;
    const action =
      input.isDisabled === true && !before.disabledAt
        ? "user.disabled"
        : input.isDisabled === false && before.disabledAt
          ? "user.enabled"
          : "user.updated";
    await recordAudit(tx, principal, { action, targetKind: "user", targetId: input.userId, details: changes });
    return toView(after);
  });
  // A role, membership or disabled flag changed: API keys acting as this user are looked up afresh.
  forgetApiKeys();
  return view;
}

/** Every user (admin only). */
export async function listUsers(principal: Principal): Promise<UserView[]> {
  assertCanAdminister(principal);
  const rows = await getDb().user.findMany({ select: userViewSelect, orderBy: { email: "asc" } });
  return rows.map(toView);
}

/**
 * Checks an email and password. Unknown email, wrong password and disabled user all give
 * null, after the same amount of work, so nothing reveals whether the email exists.
 */
/**
 * A short tag of a password hash: what a sign-in device cookie is bound to (lib/auth/device.ts),
 * so that a new password (or a reset) retires every cookie given out under the old one.
 */
const credentialTagOf = (passwordHash: string) => createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);

/** The account behind an email and the tag of its current password, for checking a device cookie; null without a password or when disabled. */
export async function signInCredentialOf(email: string): Promise<{ id: string; credentialTag: string } | null> {
  const user = await getDb().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, passwordHash: true, disabledAt: true } });
  return user?.passwordHash && !user.disabledAt ? { id: user.id, credentialTag: credentialTagOf(user.passwordHash) } : null;
}

export async function verifyCredentials(email: string, password: string): Promise<{ id: string; credentialTag: string } | null> {
  const user = await getDb().user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, passwordHash: true, disabledAt: true },
  });
  if (!user?.passwordHash) {
    await burnPasswordCheck(password);
    return null;
  }
  const isValid = await verifyPassword(user.passwordHash, password);
  if (!isValid || user.disabledAt) return null;
  return { id: user.id, credentialTag: credentialTagOf(user.passwordHash) };
}

/** The acting principal of an enabled user, with fresh role and memberships; null otherwise. */
export async function loadUserPrincipal(
  where: { id: string } | { email: string },
  extra: Pick<UserPrincipal, "apiKeyId" | "apiKeyLabel" | "apiKeyMadeByOther" | "context" | "sessionId"> = {},
): Promise<UserPrincipal | null> {
  const user = await getDb().user.findUnique({
    where: "id" in where ? { id: where.id } : { email: where.email.toLowerCase() },
    select: { id: true, email: true, role: true, disabledAt: true, memberships: { select: { frontdoorId: true } } },
  });
  if (!user || user.disabledAt) return null;
  return {
    kind: "user",
    userId: user.id,
    email: user.email,
    role: user.role,
    frontdoorIds: user.memberships.map((m) => m.frontdoorId),
    ...extra,
  };
}
