import { generateAuthenticationOptions, verifyAuthenticationResponse } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/domain/errors";
import type { RequestContext } from "@/lib/domain/access/principal";
import { type ChallengePurpose, cookieBinding, saveChallenge, takeChallenge } from "@/lib/domain/second-factor/challenges";
import { passkeyCeremonyLimiter } from "@/lib/domain/second-factor/limits";
import { addressKey } from "@/lib/http/client-info";
import { RateLimited } from "@/lib/http/rate-limit";
import { type AuthenticationOptionsJSON, type AuthenticationResponse, credentialDescriptor, relyingPartyFor } from "@/lib/domain/second-factor/relying-party";
import { webAuthnResponseSchema } from "@/lib/validation/second-factor";

// Using a passkey: as the second step after a password (the user's own passkeys are offered),
// or to sign in alone (usernameless: the browser offers whatever passkeys it holds for this
// address, and the credential id names the user). Either way the answer must sign the
// challenge stored for this ceremony, come from this origin, and carry user verification.

type AssertionPurpose = Extract<ChallengePurpose, "second_factor" | "sign_in">;

/** Options for navigator.credentials.get(); with `userId`, only that user's passkeys made at this address. */
export async function passkeyAssertionOptions(binding: string, purpose: AssertionPurpose, context: RequestContext | undefined, userId: string | null): Promise<AuthenticationOptionsJSON> {
  const rp = relyingPartyFor(context);
  let allowCredentials: ReturnType<typeof credentialDescriptor>[] | undefined;
  if (userId) {
    const passkeys = await getDb().passkey.findMany({ where: { userId, rpId: rp.rpId }, select: { credentialId: true, transports: true } });
    if (passkeys.length === 0) throw new AppError("validation_failed", `None of your passkeys was made at ${rp.rpId}. Use another way, or open the console at the address where you made them.`);
    allowCredentials = passkeys.map((p) => credentialDescriptor(p.credentialId, p.transports));
  }
  const options = await generateAuthenticationOptions({ rpID: rp.rpId, allowCredentials, userVerification: "required" });
  await saveChallenge(binding, purpose, options.challenge, userId);
  return options;
}

/**
 * Verifies an answer against the ceremony's stored challenge (taking it, so it is used once)
 * and records the authenticator's counter. The user it belongs to, or null for anything that
 * does not verify (with `expectedUserId`, also a passkey of somebody else).
 */
export async function verifyPasskeyAssertion(binding: string, purpose: AssertionPurpose, context: RequestContext | undefined, raw: unknown, expectedUserId: string | null): Promise<{ userId: string; passkeyId: string } | null> {
  const parsed = webAuthnResponseSchema.safeParse(raw);
  if (!parsed.success) return null;
  const response = parsed.data as unknown as AuthenticationResponse;
  const rp = relyingPartyFor(context);
  const open = await takeChallenge(binding, purpose);
  if (!open || open.userId !== expectedUserId) return null;
  const db = getDb();
  const passkey = await db.passkey.findUnique({ where: { credentialId: response.id }, select: { id: true, userId: true, credentialId: true, publicKey: true, counter: true, transports: true } });
  if (!passkey || (expectedUserId !== null && passkey.userId !== expectedUserId)) return null;
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: open.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    authenticator: {
      credentialID: isoBase64URL.toBuffer(passkey.credentialId),
      credentialPublicKey: new Uint8Array(passkey.publicKey),
      counter: Number(passkey.counter),
      transports: credentialDescriptor(passkey.credentialId, passkey.transports).transports,
    },
    requireUserVerification: true,
  }).catch(() => null);
  if (!verification?.verified) return null;
  const info = verification.authenticationInfo;
  await db.passkey.update({ where: { id: passkey.id }, data: { counter: BigInt(info.newCounter), lastUsedAt: new Date(), isBackedUp: info.credentialBackedUp } });
  return { userId: passkey.userId, passkeyId: passkey.id };
}

/** Starts a passkey sign-in on the sign-in page, its challenge bound to the page's cookie. */
export async function passkeySignInOptions(cookieValue: string, context: RequestContext): Promise<AuthenticationOptionsJSON> {
  // Anyone may start one and each stores a row until it expires: a limit per address keeps that bounded.
  // Every ceremony counts (none gives its point back): each stores a challenge.
  const wait = await passkeyCeremonyLimiter.take(addressKey(context.ip));
  if (wait > 0) throw new RateLimited(wait, "Too many passkey sign-ins from this address. Wait a few minutes.");
  return passkeyAssertionOptions(cookieBinding(cookieValue), "sign_in", context, null);
}

/** The enabled user a passkey sign-in proves, or null. */
export async function passkeySignIn(cookieValue: string, context: RequestContext, raw: unknown): Promise<string | null> {
  const verified = await verifyPasskeyAssertion(cookieBinding(cookieValue), "sign_in", context, raw, null);
  if (!verified) return null;
  const user = await getDb().user.findUnique({ where: { id: verified.userId }, select: { disabledAt: true } });
  return user && !user.disabledAt ? verified.userId : null;
}
