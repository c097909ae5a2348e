import { type TokenStatus, tokenStatus } from "@/lib/domain/tokens/status";
import { SAN_KINDS, type SubjectAltNames } from "@/lib/validation/subject-alt-names";

// The token as every door shows it. It never carries the secret or its hash; only the
// create response adds the secret (see create.ts).

export type TokenView = {
  id: string;
  name: string;
  frontdoorId: string;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  expiresAt: Date;
  validDays: number;
  recipientEmail: string | null;
  /** The SANs the certificate will carry, exactly (kinds without values are left out). */
  subjectAltNames: SubjectAltNames;
  createdAt: Date;
  createdBy: string | null;
  status: TokenStatus;
  tokenHint: string;
  redeemedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  clientCertificateId: string | null;
  /** People other than the creator who must approve it (0: none; copied from the Frontdoor at creation). */
  approvalsRequired: number;
  /** Approvals given so far. */
  approvalCount: number;
  /** When the last required approval made it active. */
  approvedAt: Date | null;
  /** When it was rejected (for good). */
  rejectedAt: Date | null;
  /** +1 each time what the certificate says changes; an approval may name the version it approves. */
  contentVersion: number;
};

export const tokenViewSelect = {
  id: true,
  name: true,
  frontdoorId: true,
  commonName: true,
  organization: true,
  organizationalUnit: true,
  expiresAt: true,
  validDays: true,
  recipientEmail: true,
  subjectAltNames: true,
  createdAt: true,
  secretHint: true,
  redeemedAt: true,
  revokedAt: true,
  clientCertificateId: true,
  approvalsRequired: true,
  approvalCount: true,
  approvedAt: true,
  rejectedAt: true,
  contentVersion: true,
  createdBy: { select: { email: true } },
  revokedBy: { select: { email: true } },
} as const;

type TokenRow = Omit<TokenView, "status" | "tokenHint" | "createdBy" | "revokedBy" | "subjectAltNames"> & {
  /** The jsonb column as read (or the parsed input, on creation). */
  subjectAltNames: unknown;
  secretHint: string;
  createdBy: { email: string } | null;
  revokedBy: { email: string } | null;
};

export function toTokenView(row: TokenRow, now = new Date()): TokenView {
  const { secretHint, createdBy, revokedBy, subjectAltNames, ...rest } = row;
  return {
    ...rest,
    subjectAltNames: storedSubjectAltNames(subjectAltNames),
    status: tokenStatus(row, now),
    tokenHint: secretHint,
    createdBy: createdBy?.email ?? null,
    revokedBy: revokedBy?.email ?? null,
  };
}

/** The approval columns of a token just created. */
export const noApprovalsYet = (approvalsRequired: number) => ({ approvalsRequired, approvalCount: 0, approvedAt: null, rejectedAt: null, contentVersion: 1 });

/** The public redemption link at `base` (lib/runtime/public-url.ts); the secret rides in the fragment, which browsers never send. */
export function redemptionUrl(base: string, frontdoorId: string, secret: string): string {
  return `${base}/redeem#${frontdoorId}.${secret}`;
}

/**
 * A `subjectAltNames` jsonb column (token or certificate) as the view's object. Only the
 * token schemas write it, already normalised, so this only keeps the four kinds' non-empty
 * lists, in their fixed order, and never trusts a stray shape into a view.
 */
export function storedSubjectAltNames(json: unknown): SubjectAltNames {
  const stored = (json && typeof json === "object" ? json : {}) as Record<string, unknown>;
  const sans: SubjectAltNames = {};
  for (const kind of SAN_KINDS) {
    const values = stored[kind];
    if (Array.isArray(values) && values.length > 0) sans[kind] = values.map(String);
  }
  return sans;
}
