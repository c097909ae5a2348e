import { z } from "zod";

// Building blocks shared by forms, actions, handlers and the CLI.

/**
 * Lenient on purpose: `admin@localhost` is a valid first-admin address. No control
 * characters or unpaired surrogates: a NUL reached PostgreSQL from the sign-in form and
 * failed it (22021).
 */
export const emailSchema = z
  .string()
  .trim()
  .min(3, "Enter an email address")
  .max(254)
  .regex(/^[^@\s\p{Cc}\p{Cs}]+@[^@\s\p{Cc}\p{Cs}]+$/u, "Enter an email address")
  .transform((v) => v.toLowerCase());

/**
 * Text shown and stored as is (names, subjects, labels, searches): no control characters
 * (PostgreSQL text cannot even hold a NUL) and no unpaired surrogates (which JSON can carry
 * and jsonb, where the audit log keeps such values, refuses: both failed requests as a 500).
 */
export const printable = (schema: z.ZodString) => schema.regex(/^[^\p{Cc}]*$/u, "Control characters are not allowed").regex(/^\P{Cs}*$/u, "Not valid Unicode (an unpaired surrogate)");

export const roleSchema = z.enum(["admin", "operator", "auditor"]);

export const uuidSchema = z.string().uuid("Not a valid id");

export const passwordSchema = z
  .string()
  .min(12, "Use at least 12 characters")
  .max(256, "Use at most 256 characters");

export const frontdoorNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(64, "Use at most 64 characters")
  .regex(/^[\w .:@()-]+$/u, "Use letters, digits, spaces and . _ - : @ ( )");
