import { z } from "zod";
import { namePolicySchema } from "@/lib/domain/names/policy";
import { approvalPolicySchema } from "@/lib/validation/approvals";
import { frontdoorNameSchema } from "@/lib/validation/common";
import { scepSettingsPatchSchema } from "@/lib/validation/scep";

export const createFrontdoorSchema = z
  .object({
    name: frontdoorNameSchema,
    tcpSharesEnabled: z.boolean().default(true).meta({ description: "Off: no token can be created or redeemed" }),
  })
  .strict();
export type CreateFrontdoorInput = z.input<typeof createFrontdoorSchema>;

/** Renewal in a certificate's last N days; 0 turns renewal off. */
export const renewalWindowDaysSchema = z.number().int("Use a whole number of days").min(0).max(825);

/** The key types a profile may list; an RSA key is in the size class it reaches among these five (2560 bits: RSA-2048). */
export const KEY_TYPES = ["EC-P256", "EC-P384", "RSA-2048", "RSA-3072", "RSA-4096"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Extended key usages by name; any other is a dotted OID. clientAuth is in every certificate. */
export const NAMED_EKUS = ["clientAuth", "serverAuth", "emailProtection"] as const;
const DOTTED_OID = /^[0-2](\.(0|[1-9]\d{0,9})){1,19}$/;
/** Under arcs 0 and 1 the second arc is at most 39 (X.690: larger ones encode as another OID). */
const isEncodableOid = (oid: string) => DOTTED_OID.test(oid) && (oid.startsWith("2.") || Number(oid.split(".")[1]) <= 39);
const OID_OF_NAME: Record<(typeof NAMED_EKUS)[number], string> = { clientAuth: "1.3.6.1.5.5.7.3.2", serverAuth: "1.3.6.1.5.5.7.3.1", emailProtection: "1.3.6.1.5.5.7.3.4" };
/**
 * Usages a client certificate must never carry: OCSPSigning would make every leaf signed by
 * the issuing CA an authorized OCSP responder for it (RFC 6960 §4.2.2.2), able to answer
 * "good" for revoked certificates; anyExtendedKeyUsage would allow every usage at once.
 */
const FORBIDDEN_EKUS = new Map([["1.3.6.1.5.5.7.3.9", "OCSPSigning"], ["2.5.29.37.0", "anyExtendedKeyUsage"]]);

const ekuSchema = z
  .array(
    z
      .string()
      .trim()
      .refine((eku) => (NAMED_EKUS as readonly string[]).includes(eku) || isEncodableOid(eku), { message: `Use ${NAMED_EKUS.join(", ")} or a dotted OID such as 1.3.6.1.5.5.7.3.4` })
      .refine((eku) => !FORBIDDEN_EKUS.has(eku), { message: "OCSPSigning and anyExtendedKeyUsage are never issued to a client certificate" }),
  )
  .max(10, "At most 10 extended key usages")
  // clientAuth is what Certdoor issues for: it is always first, whether or not the list names
  // it; a named usage and its own OID are one usage.
  .transform((ekus) => {
    const named = new Map(Object.entries(OID_OF_NAME).map(([name, oid]) => [oid, name]));
    return [...new Set(["clientAuth", ...ekus.map((eku) => named.get(eku) ?? eku)])];
  });

const keyTypesSchema = z
  .array(z.enum(KEY_TYPES, { message: `Use ${KEY_TYPES.join(", ")}` }))
  .min(1, "Allow at least one key type")
  .transform((types) => KEY_TYPES.filter((type) => types.includes(type)));

const profileFields = {
  extendedKeyUsage: ekuSchema.meta({ description: "clientAuth always; may add serverAuth, emailProtection or dotted OIDs" }),
  keyTypes: keyTypesSchema.meta({ description: "The CSR key types accepted; others are unsupported_key" }),
  maxValidDays: z.number().int("Use a whole number of days").min(1).max(825).meta({ description: "A token asking for more days is refused (validation_failed, path validDays)" }),
  allowCsrSubjectAltNames: z.boolean().meta({ description: "Take a CSR's SANs when the token has none, each checked against the name policy" }),
  allowWildcards: z.boolean().meta({ description: "Allow *.example.com in dns SANs" }),
};

/** A Frontdoor's certificate profile, whole (as stored and shown). */
export const frontdoorProfileSchema = z.object(profileFields).strict();
export type FrontdoorProfile = z.output<typeof frontdoorProfileSchema>;

/** A change to the profile: the fields given replace the stored ones. */
export const frontdoorProfilePatchSchema = z.object(profileFields).partial().strict();

/** The contract's defaults, which the migration also writes for every Frontdoor. */
export const DEFAULT_PROFILE: FrontdoorProfile = { extendedKeyUsage: ["clientAuth"], keyTypes: [...KEY_TYPES], maxValidDays: 825, allowCsrSubjectAltNames: false, allowWildcards: false };

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
    profile: frontdoorProfilePatchSchema.optional().meta({ description: "The certificate profile; the fields given replace the stored ones" }),
    namePolicy: namePolicySchema.optional().meta({ description: "The name policy; replaces the stored one ({} allows every name)" }),
    approvals: approvalPolicySchema.optional().meta({ description: "How many people other than a token's creator must approve each new token (0–5); tokens made before keep what they needed" }),
    scep: scepSettingsPatchSchema.optional().meta({ description: "SCEP settings: Microsoft Intune validation" }),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), { message: "Give at least one setting to change" });
export type UpdateFrontdoorInput = z.input<typeof updateFrontdoorSchema>;
