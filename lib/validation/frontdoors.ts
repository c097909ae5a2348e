import { z } from "zod";
import { frontdoorNameSchema, uuidSchema } from "@/lib/validation/common";

export const createFrontdoorSchema = z.object({
  name: frontdoorNameSchema,
  tcpSharesEnabled: z.boolean().default(true),
});
export type CreateFrontdoorInput = z.input<typeof createFrontdoorSchema>;

export const setTcpSharesSchema = z.object({
  frontdoorId: uuidSchema,
  tcpSharesEnabled: z.boolean(),
});
export type SetTcpSharesInput = z.input<typeof setTcpSharesSchema>;

/** Renewal in a certificate's last N days; 0 turns renewal off. */
export const renewalWindowDaysSchema = z.number().int("Use a whole number of days").min(0).max(825);
export const setRenewalWindowSchema = z.object({ frontdoorId: uuidSchema, renewalWindowDays: renewalWindowDaysSchema });
export type SetRenewalWindowInput = z.input<typeof setRenewalWindowSchema>;
