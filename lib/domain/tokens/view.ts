import { type TokenStatus, tokenStatus } from "@/lib/domain/tokens/status";

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
  createdAt: Date;
  createdBy: string | null;
  status: TokenStatus;
  tokenHint: string;
  redeemedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  clientCertificateId: string | null;
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
  createdAt: true,
  secretHint: true,
  redeemedAt: true,
  revokedAt: true,
  clientCertificateId: true,
  createdBy: { select: { email: true } },
  revokedBy: { select: { email: true } },
} as const;

type TokenRow = Omit<TokenView, "status" | "tokenHint" | "createdBy" | "revokedBy"> & {
  secretHint: string;
  createdBy: { email: string } | null;
  revokedBy: { email: string } | null;
};

export function toTokenView(row: TokenRow, now = new Date()): TokenView {
  const { secretHint, createdBy, revokedBy, ...rest } = row;
  return {
    ...rest,
    status: tokenStatus(row, now),
    tokenHint: secretHint,
    createdBy: createdBy?.email ?? null,
    revokedBy: revokedBy?.email ?? null,
  };
}

/** The public redemption link at `base` (lib/runtime/public-url.ts); the secret rides in the fragment, which browsers never send. */
export function redemptionUrl(base: string, frontdoorId: string, secret: string): string {
  return `${base}/redeem#${frontdoorId}.${secret}`;
}
