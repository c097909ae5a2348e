import { z } from "zod";

// Building blocks shared by forms, actions, handlers and the CLI.

/** Lenient on purpose: `admin@localhost` is a valid first-admin address. */
export const emailSchema = z
  .string()
  .trim()
  .min(3, "Enter an email address")
  .max(254)
  .regex(/^[^@\s]+@[^@\s]+$/, "Enter an email address")
  .transform((v) => v.toLowerCase());

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
