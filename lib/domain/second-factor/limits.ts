import { SharedLimit } from "@/lib/http/rate-limit";

// Limits of the second factor, in PostgreSQL like the sign-in limits, so every instance
// counts the same attempts.

/**
 * Wrong second-step codes (TOTP or recovery) per user, from anywhere: 10 in 15 minutes. With
 * ±1 time step, 10 guesses hit one of 3 live codes in a million with odds of 3 in 100,000, and
 * the password had to be right first.
 */
export const secondFactorLimiter = new SharedLimit({ prefix: "second-factor", points: 10, durationSeconds: 15 * 60 });

/** Passkey sign-in ceremonies started per client address: each stores a challenge. */
export const passkeyCeremonyLimiter = new SharedLimit({ prefix: "passkey-ceremony", points: 60, durationSeconds: 5 * 60 });
