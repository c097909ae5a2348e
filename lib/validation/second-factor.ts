import { z } from "zod";
import { printable } from "@/lib/validation/common";

// Inputs of the second factor: shared by the forms, the server actions and the domain.

export const SECOND_FACTOR_POLICIES = ["off", "admins", "everyone"] as const;
export const secondFactorPolicySchema = z.enum(SECOND_FACTOR_POLICIES);
export type SecondFactorPolicy = z.infer<typeof secondFactorPolicySchema>;

/** How the console names each policy ("Require a second factor for …"). */
export const POLICY_LABELS: Record<SecondFactorPolicy, string> = {
  off: "Nobody (each user chooses)",
  admins: "Administrators",
  everyone: "Everyone",
};

/** A code from an authenticator app (spaces, as apps show them, are allowed). */
export const totpCodeSchema = z
  .string()
  .transform((v) => v.replace(/\s+/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app"));

/** The second step's one field: a 6-digit code or a recovery code. */
export const secondStepCodeSchema = z.string().trim().min(1, "Enter a code").max(64, "That is not a code Certdoor gave out");

/** What a person calls a passkey ("Laptop", "YubiKey 5C"). */
export const passkeyNameSchema = printable(z.string().trim().min(1, "Give the passkey a name").max(64, "At most 64 characters"));

/**
 * A browser's WebAuthn response as @simplewebauthn/browser serialises it. Only its shape is
 * checked here; @simplewebauthn/server verifies everything in it cryptographically.
 */
const base64url = z.string().min(1).max(1024).regex(/^[A-Za-z0-9_-]+$/, "Not base64url");

export const webAuthnResponseSchema = z.looseObject({
  id: base64url,
  rawId: base64url,
  type: z.literal("public-key"),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().optional(),
});

/** A response travels as JSON text (Auth.js credentials are form fields); at most 16 KiB. */
export const webAuthnResponseJsonSchema = z
  .string()
  .max(16_384, "The passkey's answer is too large")
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "The passkey's answer is not JSON" });
      return z.NEVER;
    }
  })
  .pipe(webAuthnResponseSchema);

/** Adding a passkey: its name and the browser's answer to the registration ceremony. */
export const registerPasskeySchema = z.object({ name: passkeyNameSchema, response: webAuthnResponseSchema });
