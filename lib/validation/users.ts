import { z } from "zod";
import { emailSchema, passwordSchema, printable, roleSchema, uuidSchema } from "@/lib/validation/common";

export const createUserSchema = z.object({
  email: emailSchema,
  name: printable(z.string().trim().max(128)).optional().transform((v) => v || undefined),
  role: roleSchema,
  /** Omitted: one is generated and returned once (unless the user signs in through OIDC only). */
  password: passwordSchema.optional(),
  frontdoorIds: z.array(uuidSchema).default([]),
  /** Made for OIDC: no password; bound to the provider account at its first sign-in (lib/domain/access/oidc-accounts.ts). */
  isOidcOnly: z.boolean().default(false),
}).refine((v) => !(v.isOidcOnly && v.password), { path: ["password"], message: "A user who signs in through single sign-on has no password" });
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserSchema = z.object({
  userId: uuidSchema,
  role: roleSchema.optional(),
  name: printable(z.string().trim().max(128)).optional(),
  frontdoorIds: z.array(uuidSchema).optional(),
  isDisabled: z.boolean().optional(),
});
export type UpdateUserInput = z.input<typeof updateUserSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password").max(256),
});

/** Changing one's own password: the current one proves it is the account's owner at the keyboard. */
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1, "Enter your current password").max(256), newPassword: passwordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a password different from the current one" });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;
