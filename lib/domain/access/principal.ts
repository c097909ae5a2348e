import type { Role } from "@/lib/generated/prisma/enums";

// Who is acting, with what rights, from where. Built by a door (session, API key, CLI)
// and passed to every domain function, which checks permission itself.

export type RequestContext = {
  ip?: string | null;
  userAgent?: string | null;
  /** The scheme and host the request was addressed to (links made for it use this when PUBLIC_URL is unset). */
  origin?: string | null;
};

export type UserPrincipal = {
  kind: "user";
  userId: string;
  email: string;
  role: Role;
  /** Frontdoors the user is a member of (operators act only on these). */
  frontdoorIds: readonly string[];
  /** Set when the call came with an API key rather than a session. */
  apiKeyId?: string;
  /** How the audit log names that key: "key cdk_a1b2c3…, made by alice@…". */
  apiKeyLabel?: string;
  /** Who made that key, when not its owner (an admin can make a key for someone); null: the CLI made it. */
  apiKeyMadeByOther?: { userId: string | null };
  /** The console session the call came with (lib/domain/access/sessions.ts). */
  sessionId?: string;
  context?: RequestContext;
};

/** The installation itself: bootstrap, schedules, the CLI's administrative commands. */
export type SystemPrincipal = { kind: "system"; label: string; context?: RequestContext };

export type Principal = UserPrincipal | SystemPrincipal;

export const systemPrincipal = (label: string): SystemPrincipal => ({ kind: "system", label });
