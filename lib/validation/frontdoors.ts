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
