import { z } from "zod";
import { ERROR_STATUS } from "@/lib/domain/errors";
import type { CreatedToken, Page, TokenDetail, TokenView } from "@/lib/domain/tokens";
import type { CertificateView, RedemptionPreview } from "@/lib/domain/certificates";
import type { FrontdoorView } from "@/lib/domain/frontdoors";
import { TOKEN_STATUSES } from "@/lib/domain/tokens/status";
import type { Serialized } from "@/lib/wire/serialized";
import { CERTIFICATE_STATUSES } from "@/lib/validation/certificates";
import { NAME_KINDS } from "@/lib/domain/names/policy";
import { approvalPolicySchema } from "@/lib/validation/approvals";
import { KEY_TYPES, renewalWindowDaysSchema } from "@/lib/validation/frontdoors";
import { MAX_PAGE, MAX_PAGE_SIZE } from "@/lib/validation/paging";
import { validDaysSchema } from "@/lib/validation/tokens";
import { MAX_SANS_PER_KIND } from "@/lib/validation/subject-alt-names";

// Response shapes as zod schemas, for the OpenAPI document. The type assertions at the
// bottom fail the build if a view object and its documented schema drift apart.

/** Every documented response shape, by its component name. */
export const responseSchemas = z.registry<{ id: string; description?: string }>();

// Every integer carries its real bounds (openapi-bounds.int.test.ts): zod's default range of
// ±2^53 made the rendered examples show "validDays": -9007199254740991.
/** A count of rows: never negative; a JSON number stays exact up to 2^53 − 1. */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const validDays = validDaysSchema.meta({ example: 365 });
/** An integer column of PostgreSQL (int4). */
const MAX_CA_GENERATION = 2 ** 31 - 1;

/** A page of `item`s as every list endpoint answers. */
const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    content: z.array(item),
    totalElements: count,
    totalPages: count,
    page: z.number().int().min(0).max(MAX_PAGE).meta({ description: "From 0" }),
    size: z.number().int().min(1).max(MAX_PAGE_SIZE),
  });

const timestamp = z.iso.datetime().meta({ description: "ISO 8601, UTC", example: "2026-12-01T12:00:00.000Z" });

const sanList = z.array(z.string()).max(MAX_SANS_PER_KIND).optional();
/** What a token approves and a certificate carries; kinds without values are left out. */
export const subjectAltNamesSchema = z
  .object({ dns: sanList, ip: sanList, uri: sanList, email: sanList })
  .meta({ example: { dns: ["build-agent-7.ci.example.com"], ip: ["10.0.0.7"], uri: ["spiffe://ci.example.com/agent/7"], email: ["ci@example.com"] } })
  .register(responseSchemas, { id: "SubjectAltNames", description: "Subject alternative names (DNS names, IP addresses in RFC 5952 text, URIs, email addresses) a token approves and its certificate carries, exactly" });

export const tokenSchema = z
  .object({
    id: z.string().meta({ example: "token-5b0e5a8e-2f7c-4f43-9d8e-2b1f3c4d5e6f" }),
    name: z.string(),
    frontdoorId: z.uuid(),
    commonName: z.string().nullable(),
    organization: z.string().nullable(),
    organizationalUnit: z.string().nullable(),
    expiresAt: timestamp,
    validDays,
    recipientEmail: z.string().nullable().meta({ description: "Who the link is for (emailed when SMTP is configured)" }),
    subjectAltNames: subjectAltNamesSchema,
    createdAt: timestamp,
    createdBy: z.string().nullable().meta({ description: "Email of the user who created the token" }),
    status: z.enum(TOKEN_STATUSES),
    tokenHint: z.string().meta({ description: "crt_… and the secret's last 4 characters", example: "crt_…Xy7Q" }),
    redeemedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    revokedBy: z.string().nullable(),
    clientCertificateId: z.string().nullable().meta({ example: "cert-0d4b3c2a-1e2f-4a5b-8c9d-0e1f2a3b4c5d" }),
    approvalsRequired: z.int().min(0).max(5).meta({ description: "How many people other than the creator must approve the token (the Frontdoor's approvals.required when it was created; 0: none)" }),
    approvalCount: z.int().min(0).max(5).meta({ description: "Approvals given so far" }),
    approvedAt: timestamp.nullable().meta({ description: "When the last required approval made the token active" }),
    rejectedAt: timestamp.nullable().meta({ description: "When an approver rejected it (for good)" }),
    contentVersion: z.int().min(1).max(2_147_483_647).meta({ description: "+1 each time what the certificate will say changes (which sends a token that needs approvals back to pending); an approval may send the version it approves" }),
  })
  .register(responseSchemas, { id: "Token" });

export const deliverySchema = z
  .object({
    channel: z.literal("email"),
    to: z.string(),
    status: z.enum(["sent", "failed", "not_configured"]).meta({ description: "not_configured: SMTP_URL/SMTP_FROM are not set; pass the link on by hand" }),
    error: z.string().optional().meta({ description: "The mail server's answer when it failed" }),
  })
  .register(responseSchemas, { id: "Delivery", description: "Present when the token has a recipientEmail" });

export const createdTokenSchema = tokenSchema
  .extend({
    token: z.string().meta({ description: "The secret. Returned only here, once.", example: "crt_4fJ9kQ2mXr7PzN1bTs3eW8vYc6Ha0LdG" }),
    redemptionUrl: z.url().meta({ description: "Link to the redemption page; the secret is in the fragment" }),
    delivery: deliverySchema.optional(),
  })
  .register(responseSchemas, { id: "CreatedToken" });

export const tokenDetailSchema = tokenSchema
  .extend({
    approvals: z
      .array(
        z.object({
          by: z.string().meta({ description: "Email of the person who answered" }),
          at: timestamp,
          decision: z.enum(["approve", "reject"]),
          comment: z.string().nullable(),
        }),
      )
      .meta({ description: "The answers to a token that needs approval, oldest first (empty when it needs none)" }),
  })
  .register(responseSchemas, { id: "TokenDetail" });

export const tokenPageSchema = pageOf(tokenSchema).register(responseSchemas, { id: "TokenPage" });

export const certificateSchema = z
  .object({
    id: z.string().meta({ example: "cert-0d4b3c2a-1e2f-4a5b-8c9d-0e1f2a3b4c5d" }),
    name: z.string().meta({ description: "The token's name" }),
    frontdoorId: z.uuid(),
    tokenId: z.string().nullable(),
    commonName: z.string(),
    organization: z.string().nullable(),
    organizationalUnit: z.string().nullable(),
    subjectAltNames: subjectAltNamesSchema,
    serialNumber: z.string().meta({ description: "Lower-case hex", example: "5aff4522a00c2473d92fd869f2144dc4" }),
    fingerprintSha256: z.string(),
    keyAlgorithm: z.string().meta({ example: "EC-P256" }),
    notBefore: timestamp,
    notAfter: timestamp,
    status: z.enum(CERTIFICATE_STATUSES),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
    revokedBy: z.string().nullable(),
    revocationReason: z.string().nullable(),
    renewedFromId: z.string().nullable().meta({ description: "The certificate this one renews" }),
    renewedById: z.string().nullable().meta({ description: "The certificate that renewed this one" }),
    certificate: z.string().meta({ description: "The leaf certificate, PEM" }),
    caCertificates: z.string().meta({ description: "The issuing CA, then its root (the Frontdoor's own), PEM" }),
  })
  .register(responseSchemas, { id: "ClientCertificate" });

export const certificatePageSchema = pageOf(certificateSchema).register(responseSchemas, { id: "ClientCertificatePage" });

export const previewSchema = z
  .object({
    frontdoor: z.object({ id: z.uuid(), name: z.string() }),
    token: z.object({
      name: z.string(),
      commonName: z.string().nullable(),
      organization: z.string().nullable(),
      organizationalUnit: z.string().nullable(),
      subjectAltNames: subjectAltNamesSchema,
      expiresAt: timestamp,
      validDays,
    }),
  })
  .register(responseSchemas, { id: "RedemptionPreview" });

export const purgeResultSchema = z.object({ deleted: count }).register(responseSchemas, { id: "PurgeResult" });
export const purgePreviewSchema = z.object({ wouldDelete: count }).register(responseSchemas, { id: "PurgePreview" });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .register(responseSchemas, { id: "Problem", description: "RFC 9457 problem details, served as application/problem+json" });

const profileSchema = z
  .object({
    extendedKeyUsage: z.array(z.string()).meta({ description: "clientAuth first; serverAuth, emailProtection or dotted OIDs after it", example: ["clientAuth", "serverAuth"] }),
    keyTypes: z.array(z.enum(KEY_TYPES)).meta({ description: "The CSR key types accepted; others are unsupported_key" }),
    maxValidDays: z.number().int().min(1).max(825).meta({ description: "The most validDays a token may ask for", example: 825 }),
    allowCsrSubjectAltNames: z.boolean().meta({ description: "A CSR's SANs are used when the token has none, each checked against the name policy" }),
    allowWildcards: z.boolean().meta({ description: "*.example.com may be a dns SAN" }),
  })
  .register(responseSchemas, { id: "FrontdoorProfile", description: "What every certificate of the Frontdoor looks like" });

const patternsByKind = z.partialRecord(z.enum(NAME_KINDS), z.array(z.string()));
const namePolicyResponseSchema = z
  .object({
    allow: patternsByKind.optional().meta({ description: "Per kind, the patterns a name must match (a kind without a list allows any name not denied)" }),
    deny: patternsByKind.optional().meta({ description: "Per kind, patterns no name may match; deny wins" }),
  })
  .meta({ example: { allow: { dns: ["*.ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { commonName: [".prod.example.com"] } } })
  .register(responseSchemas, { id: "NamePolicy", description: "Allowed and denied names per kind: commonName, dns, ip, uri, email" });

export const frontdoorSchema = z
  .object({
    id: z.uuid(),
    name: z.string().meta({ example: "edge-eu" }),
    tcpSharesEnabled: z.boolean().meta({ description: "Off: no token can be created or redeemed" }),
    renewalWindowDays: renewalWindowDaysSchema.meta({ description: "Renewal opens this many days before a certificate ends; 0: renewal off", example: 30 }),
    profile: profileSchema,
    namePolicy: namePolicyResponseSchema,
    approvals: approvalPolicySchema.meta({ description: "How many people other than a token's creator must approve each new token before it can be redeemed (0: none)", example: { required: 0 } }),
    createdAt: timestamp,
    memberCount: count.meta({ description: "Operators who are members" }),
    issuingCa: z
      .object({ id: z.uuid(), generation: z.number().int().min(1).max(MAX_CA_GENERATION).meta({ description: "1 for the first CA, +1 per rotation" }), notBefore: timestamp, notAfter: timestamp })
      .nullable()
      .meta({ description: "The CA that signs new certificates now (its chain: GET /frontdoor/{frontdoorId}/ca.pem)" }),
    scep: z.object({
      intune: z
        .object({ tenantId: z.string().meta({ example: "contoso.onmicrosoft.com" }), clientId: z.uuid(), clientSecretSet: z.literal(true).meta({ description: "The secret is sealed under the master key and never read back" }) })
        .nullable()
        .meta({ description: "Microsoft Intune's SCEP validation (null: not set up): a challenge that is not a token of this Frontdoor is validated with Intune" }),
    }),
  })
  .register(responseSchemas, { id: "Frontdoor", description: "A Frontdoor and its settings" });

export const healthSchema = z.object({ status: z.enum(["ok", "unavailable"]) }).register(responseSchemas, { id: "Health" });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertSame = <T extends true>() => undefined as unknown as T;
assertSame<Same<Serialized<TokenView>, z.infer<typeof tokenSchema>>>();
assertSame<Same<Serialized<TokenDetail>, z.infer<typeof tokenDetailSchema>>>();
assertSame<Same<Serialized<CreatedToken>, z.infer<typeof createdTokenSchema>>>();
assertSame<Same<Serialized<Page<TokenView>>, z.infer<typeof tokenPageSchema>>>();
assertSame<Same<Serialized<CertificateView>, z.infer<typeof certificateSchema>>>();
assertSame<Same<Serialized<RedemptionPreview>, z.infer<typeof previewSchema>>>();
assertSame<Same<Serialized<Page<CertificateView>>, z.infer<typeof certificatePageSchema>>>();
assertSame<Same<Serialized<FrontdoorView>, z.infer<typeof frontdoorSchema>>>();
