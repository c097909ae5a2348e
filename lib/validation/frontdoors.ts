import { z } from "zod";
import { frontdoorNameSchema } from "@/lib/validation/common";

export const createFrontdoorSchema = z
  .object({
    name: frontdoorNameSchema,
    tcpSharesEnabled: z.boolean().default(true).meta({ description: "Off: no token can be created or redeemed" }),
  })
  .strict();
export type CreateFrontdoorInput = z.input<typeof createFrontdoorSchema>;

/** Renewal in a certificate's last N days; 0 turns renewal off. */
export const renewalWindowDaysSchema = z.number().int("Use a whole number of days").min(0).max(825);

/**
 * A Frontdoor's settings that PATCH /frontdoor/{id}, the console and `certdoor frontdoor set`
 * change: each key optional, at least one given. Later settings (profile, name policy,
 * approvals) are more optional keys here, so a client that sends today's keys keeps working.
 * Strict, so a misspelt setting is refused instead of silently doing nothing.
 */
export const updateFrontdoorSchema = z
  .object({
    name: frontdoorNameSchema.optional(),
    tcpSharesEnabled: z.boolean().optional(),
    renewalWindowDays: renewalWindowDaysSchema.optional().meta({ description: "Renewal opens this many days before a certificate ends; 0 turns renewal off" }),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), { message: "Give at least one setting to change" });
export type UpdateFrontdoorInput = z.input<typeof updateFrontdoorSchema>;
