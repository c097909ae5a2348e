import { z } from "zod";
import { uuidSchema } from "@/lib/validation/common";

export const listAuditQuerySchema = z.object({
  page: z.coerce.number().int().min(0).default(0),
  size: z.coerce.number().int().min(1).max(200).default(50),
  action: z.string().trim().max(64).optional().transform((v) => v || undefined),
  actor: z.string().trim().max(254).optional().transform((v) => v || undefined),
  frontdoorId: uuidSchema.optional().or(z.literal("").transform(() => undefined)),
  targetId: z.string().trim().max(64).optional().transform((v) => v || undefined),
  from: z.iso.date().optional().or(z.literal("").transform(() => undefined)),
  to: z.iso.date().optional().or(z.literal("").transform(() => undefined)),
});
export type ListAuditQuery = z.input<typeof listAuditQuerySchema>;
