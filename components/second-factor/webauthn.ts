import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { AuthenticationOptionsJSON, RegistrationOptionsJSON } from "@/lib/domain/second-factor/relying-party";

// The browser half of a passkey ceremony, with what went wrong said in words. The options and
// the check of the answer are the server's (lib/domain/second-factor).

/** A person-readable reason for a failed navigator.credentials call. */
export function passkeyErrorMessage(error: unknown): string {
  switch ((error as { name?: string } | null)?.name) {
    case "NotAllowedError":
    case "AbortError":
      return "The passkey prompt was closed or timed out.";
    case "InvalidStateError":
      return "This device already holds a passkey for your account.";
    case "SecurityError":
      return "Passkeys do not work at this address: open the console by its name (not an IP address), over https or at localhost.";
    case "NotSupportedError":
      return "This browser or device cannot use passkeys.";
    default:
      return "The passkey did not work. Try again.";
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

async function attempt<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, message: passkeyErrorMessage(error) };
  }
}

export const createPasskey = (options: RegistrationOptionsJSON) => attempt(() => startRegistration(options));

export const answerWithPasskey = (options: AuthenticationOptionsJSON) => attempt(() => startAuthentication(options));
