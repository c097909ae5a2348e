import { generateRegistrationOptions, verifyRegistrationResponse } from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import { getDb } from "@/lib/db";
import { recordAudit } from "@/lib/domain/audit/events";
import { AppError } from "@/lib/domain/errors";
import type { UserPrincipal } from "@/lib/domain/access/principal";
import { saveChallenge, sessionBinding, takeChallenge } from "@/lib/domain/second-factor/challenges";
import { afterOwnFactorRemoved, assertOwnConsoleSession } from "@/lib/domain/second-factor/factors";
import { credentialDescriptor, RP_NAME, type RegistrationOptionsJSON, type RegistrationResponse, relyingPartyFor } from "@/lib/domain/second-factor/relying-party";
import { markSecondFactorPassed } from "@/lib/domain/access/sessions";
import { parseInput } from "@/lib/validation/parse";
import { uuidSchema } from "@/lib/validation/common";
import { registerPasskeySchema } from "@/lib/validation/second-factor";

// Adding and removing passkeys. They are discoverable (resident) credentials with user
// verification required, so one also signs in alone ("Sign in with a passkey"): possession of
// the device plus its PIN or biometric is two factors by itself. Attestation is not asked
// for: Certdoor trusts the user's choice of authenticator, not a vendor list.

export type PasskeyView = { id: string; name: string; rpId: string; createdAt: Date };

/** A console session is needed: the ceremony's challenge is bound to it. */
function sessionOf(principal: UserPrincipal): string {
  assertOwnConsoleSession(principal);
  if (!principal.sessionId) throw new AppError("forbidden", "Add a passkey from a console session.");
  return principal.sessionId;
}

/** Options for the browser's navigator.credentials.create(), for the caller at the address they use. */
export async function passkeyRegistrationOptions(principal: UserPrincipal): Promise<RegistrationOptionsJSON> {
  const sessionId = sessionOf(principal);
  const rp = relyingPartyFor(principal.context);
  const existing = await getDb().passkey.findMany({ where: { userId: principal.userId, rpId: rp.rpId }, select: { credentialId: true, transports: true } });
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpId,
    userID: principal.userId,
    userName: principal.email,
    attestationType: "none",
    // The authenticator refuses to make a second passkey for an account it already holds one of.
    excludeCredentials: existing.map((p) => credentialDescriptor(p.credentialId, p.transports)),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
  });
  await saveChallenge(sessionBinding(sessionId), "register", options.challenge, principal.userId);
  return options;
}

/** Verifies the browser's answer and keeps the passkey; counts as this session's second factor. Audited. */
export async function registerPasskey(principal: UserPrincipal, input: unknown): Promise<PasskeyView> {
  const sessionId = sessionOf(principal);
  const parsed = parseInput(registerPasskeySchema, input);
  const name = parsed.name;
  const response = parsed.response as unknown as RegistrationResponse;
  const rp = relyingPartyFor(principal.context);
  const open = await takeChallenge(sessionBinding(sessionId), "register");
  if (!open || open.userId !== principal.userId) throw new AppError("validation_failed", "The passkey request expired. Try again.");
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: open.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpId,
    requireUserVerification: true,
  }).catch(() => null);
  const info = verification?.verified ? verification.registrationInfo : undefined;
  if (!info) throw new AppError("validation_failed", "The passkey could not be verified. Try again.");
  const credentialId = isoBase64URL.fromBuffer(info.credentialID);
  return getDb().$transaction(async (tx) => {
    if (await tx.passkey.findUnique({ where: { credentialId }, select: { id: true } })) throw new AppError("conflict", "This passkey is registered already.");
    const row = await tx.passkey.create({
      data: {
        userId: principal.userId,
        credentialId,
        publicKey: new Uint8Array(info.credentialPublicKey),
        counter: BigInt(info.counter),
        transports: response.response.transports ?? [],
        name,
        rpId: rp.rpId,
        isBackedUp: info.credentialBackedUp,
      },
      select: { id: true, name: true, rpId: true, createdAt: true },
    });
    await markSecondFactorPassed(tx, sessionId, principal.userId);
    await recordAudit(tx, principal, { action: "user.second_factor_added", targetKind: "user", targetId: principal.userId, details: { email: principal.email, kind: "passkey", passkeyId: row.id, name, rpId: rp.rpId } });
    return row;
  });
}

/** Removes one of the caller's passkeys (not the last required factor); audited. */
export async function removePasskey(principal: UserPrincipal, passkeyId: unknown): Promise<void> {
  assertOwnConsoleSession(principal);
  await getDb().$transaction(async (tx) => {
    const id = uuidSchema.safeParse(passkeyId);
    const passkey = id.success ? await tx.passkey.findFirst({ where: { id: id.data, userId: principal.userId }, select: { id: true, name: true } }) : null;
    if (!passkey) throw new AppError("validation_failed", "No such passkey on your account.");
    await tx.passkey.delete({ where: { id: passkey.id } });
    await afterOwnFactorRemoved(tx, principal);
    await recordAudit(tx, principal, { action: "user.second_factor_removed", targetKind: "user", targetId: principal.userId, details: { email: principal.email, kind: "passkey", passkeyId: passkey.id, name: passkey.name } });
  });
}
