import { createHash } from "node:crypto";
import { getDb } from "@/lib/db";

// WebAuthn challenges live on the server, never in the browser's hands alone: each is bound
// to what started the ceremony (a session, or the sign-in page's cookie), replaced by the next
// ceremony of the same kind, gone once taken (one DELETE … RETURNING, so two racing answers
// cannot both use it), and worthless after CHALLENGE_TTL_MS.

export type ChallengePurpose = "register" | "second_factor" | "sign_in";

export const CHALLENGE_TTL_MS = 5 * 60_000;

/** A challenge bound to a console session. */
export const sessionBinding = (sessionId: string) => `session:${sessionId}`;

/** A challenge bound to the sign-in page's cookie: only a hash of the cookie's value is stored. */
export const cookieBinding = (cookieValue: string) => `cookie:${createHash("sha256").update(cookieValue, "utf8").digest("hex")}`;

/** Stores the open ceremony's challenge, replacing an earlier one of the same binding and purpose. */
export async function saveChallenge(binding: string, purpose: ChallengePurpose, challenge: string, userId: string | null = null): Promise<void> {
  const db = getDb();
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  // Abandoned ceremonies are swept here rather than by a schedule: the table stays as small
  // as the ceremonies of the last few minutes.
  await db.webAuthnChallenge.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db.webAuthnChallenge.upsert({
    where: { binding_purpose: { binding, purpose } },
    create: { binding, purpose, challenge, userId, expiresAt },
    update: { challenge, userId, expiresAt, createdAt: new Date() },
  });
}

/** Takes (and so ends) the open ceremony; null when there is none or it is too old. */
export async function takeChallenge(binding: string, purpose: ChallengePurpose): Promise<{ challenge: string; userId: string | null } | null> {
  const rows = await getDb().$queryRaw<{ challenge: string; userId: string | null; expiresAt: Date }[]>`
    DELETE FROM "WebAuthnChallenge" WHERE "binding" = ${binding} AND "purpose" = ${purpose}
    RETURNING "challenge", "userId"::text AS "userId", "expiresAt"`;
  const row = rows[0];
  return row && row.expiresAt.getTime() > Date.now() ? { challenge: row.challenge, userId: row.userId } : null;
}
