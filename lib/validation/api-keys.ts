import { z } from "zod";
import { emailSchema, printable, uuidSchema } from "@/lib/validation/common";

export const createApiKeySchema = z.object({
  name: printable(z.string().trim().min(1, "Enter a name").max(128, "Use at most 128 characters")),
  /** Admins may create a key for another user; everyone else creates their own. */
  ownerEmail: emailSchema.optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeyIdSchema = uuidSchema;
