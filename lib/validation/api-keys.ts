import { z } from "zod";
import { emailSchema, uuidSchema } from "@/lib/validation/common";

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "Enter a name").max(128, "Use at most 128 characters"),
  /** Admins may create a key for another user; everyone else creates their own. */
  ownerEmail: emailSchema.optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeyIdSchema = uuidSchema;
