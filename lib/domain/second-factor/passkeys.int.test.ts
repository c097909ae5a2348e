import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { passkeySignIn, passkeySignInOptions } from "@/lib/domain/second-factor/passkey-assertion";
import { passkeyRegistrationOptions, registerPasskey, removePasskey } from "@/lib/domain/second-factor/passkeys";
import { sessionStep } from "@/lib/domain/second-factor/policy";
import { completeSecondStepWithPasskey, secondStepPasskeyOptions } from "@/lib/domain/second-factor/second-step";
import { startSession } from "@/lib/domain/access/sessions";
import { loadUserPrincipal, updateUser } from "@/lib/domain/access/users";
import { makeUser, system } from "@/lib/testing/fixtures";
import { SoftwareAuthenticator } from "@/lib/testing/software-authenticator";

// Passkeys through @simplewebauthn/server's real verification, answered by a software
// authenticator: registration, the second step, and signing in with a passkey alone.

const ORIGIN = "http://localhost:3000";
const context = { ip: "192.0.2.20", origin: ORIGIN };

async function inSession(userId: string) {
  const sessionId = await startSession(userId);
  return { sessionId, principal: (await loadUserPrincipal({ id: userId }, { sessionId, context }))! };
}

async function withPasskey() {
  const made = await makeUser("operator");
  const { principal, sessionId } = await inSession(made.user.id);
  const authenticator = new SoftwareAuthenticator(ORIGIN);
  const options = await passkeyRegistrationOptions(principal);
  const passkey = await registerPasskey(principal, { name: "Laptop", response: authenticator.register(options) });
  return { ...made, principal, sessionId, authenticator, passkey, options };
}

describe("passkeys", () => {
  it("registers a discoverable credential with user verification for the address in use; the session counts as passed; audited", async () => {
    const { user, email, sessionId, passkey, options, authenticator } = await withPasskey();
    expect(options).toMatchObject({ rp: { id: "localhost", name: "Certdoor" }, user: { name: email }, attestation: "none", authenticatorSelection: { residentKey: "required", userVerification: "required" } });
    expect(passkey).toMatchObject({ name: "Laptop", rpId: "localhost" });
    const row = await getDb().passkey.findUniqueOrThrow({ where: { id: passkey.id } });
    expect(row).toMatchObject({ userId: user.id, credentialId: authenticator.id, transports: ["internal"], counter: 0n });
    expect(await sessionStep(sessionId, user.id)).toBe("console");
    const event = await getDb().auditEvent.findFirstOrThrow({ where: { action: "user.second_factor_added", targetId: user.id } });
    expect(event.details).toMatchObject({ kind: "passkey", name: "Laptop", rpId: "localhost" });
  });

  it("refuses a replayed, cross-origin or unverified registration, and addresses that cannot have passkeys", async () => {
    const made = await makeUser("operator");
    const { principal } = await inSession(made.user.id);
    const authenticator = new SoftwareAuthenticator(ORIGIN);
    const first = await passkeyRegistrationOptions(principal);
    await expect(registerPasskey(principal, { name: "x", response: authenticator.register(first, { origin: "http://evil.example" }) })).rejects.toMatchObject({ code: "validation_failed" });
    // That answer used the challenge up: the right one for it is refused now too.
    await expect(registerPasskey(principal, { name: "x", response: authenticator.register(first) })).rejects.toMatchObject({ code: "validation_failed" });
    const second = await passkeyRegistrationOptions(principal);
    await expect(registerPasskey(principal, { name: "x", response: authenticator.register(second, { userVerified: false }) })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(registerPasskey(principal, { name: "\u0007", response: {} })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(passkeyRegistrationOptions({ ...principal, context: { origin: "http://192.0.2.1:3000" } })).rejects.toThrow(/DNS name/);
    await expect(passkeyRegistrationOptions({ ...principal, sessionId: undefined })).rejects.toMatchObject({ code: "forbidden" });
    expect(await getDb().passkey.count({ where: { userId: made.user.id } })).toBe(0);
  });

  it("answers the second step after a password, once per challenge, only with the user's own passkey", async () => {
    const { user, authenticator } = await withPasskey();
    const { sessionId, principal: pending } = await inSession(user.id);
    expect(await sessionStep(sessionId, user.id)).toBe("second_factor");
    const options = await secondStepPasskeyOptions(pending);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const answer = authenticator.authenticate(options);
    await completeSecondStepWithPasskey(pending, answer);
    expect(await sessionStep(sessionId, user.id)).toBe("console");
    expect((await getDb().passkey.findFirstOrThrow({ where: { userId: user.id } })).counter).toBe(1n);

    const other = await inSession(user.id);
    await expect(completeSecondStepWithPasskey(other.principal, answer)).rejects.toMatchObject({ code: "validation_failed" });
    // Somebody else's passkey does not answer for this user.
    const stranger = await withPasskey();
    const theirs = stranger.authenticator.authenticate(await secondStepPasskeyOptions(other.principal));
    await expect(completeSecondStepWithPasskey(other.principal, theirs)).rejects.toMatchObject({ code: "validation_failed" });
    expect(await sessionStep(other.sessionId, user.id)).toBe("second_factor");
  });

  it("signs in alone (usernameless): the answer must come back with the cookie its challenge was bound to, once; not for a disabled user", async () => {
    const { user, authenticator } = await withPasskey();
    const options = await passkeySignInOptions("cookie-a", context);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const answer = authenticator.authenticate(options);
    expect(await passkeySignIn("cookie-b", context, answer)).toBeNull();
    expect(await passkeySignIn("cookie-a", { ...context, origin: "http://localhost:4000" }, answer)).toBeNull();
    // The wrong-origin try used the challenge up (no second go at it); a fresh ceremony works.
    const fresh = authenticator.authenticate(await passkeySignInOptions("cookie-a", context));
    expect(await passkeySignIn("cookie-a", context, fresh)).toBe(user.id);
    expect(await passkeySignIn("cookie-a", context, fresh)).toBeNull();

    await updateUser(system, { userId: user.id, isDisabled: true });
    const again = authenticator.authenticate(await passkeySignInOptions("cookie-a", context));
    expect(await passkeySignIn("cookie-a", context, again)).toBeNull();
  });

  it("removes a passkey, audited; the challenge table does not keep expired ceremonies", async () => {
    const { principal, passkey, user } = await withPasskey();
    await removePasskey(principal, passkey.id);
    expect(await getDb().passkey.count({ where: { userId: user.id } })).toBe(0);
    expect(await getDb().auditEvent.count({ where: { action: "user.second_factor_removed", targetId: user.id } })).toBe(1);
    await expect(removePasskey(principal, passkey.id)).rejects.toMatchObject({ code: "validation_failed" });

    await getDb().webAuthnChallenge.create({ data: { binding: "cookie:old", purpose: "sign_in", challenge: "c", expiresAt: new Date(Date.now() - 1000) } });
    await passkeySignInOptions("cookie-c", context);
    expect(await getDb().webAuthnChallenge.count({ where: { binding: "cookie:old" } })).toBe(0);
  });
});
