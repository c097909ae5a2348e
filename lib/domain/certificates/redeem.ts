import { getDb } from "@/lib/db";
import { type AuditActor, auditUserAgent, recordAudits } from "@/lib/domain/audit";
import { issuerFor } from "@/lib/domain/ca";
import { auditRedeemFailure } from "@/lib/domain/certificates/redeem-failures";
import { certificateViewSelect, type CertificateView, toCertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { RequestContext } from "@/lib/domain/principal";
import { hashSecret, looksLikeTokenSecret, secretHint } from "@/lib/domain/tokens/secret";
import { tokenStatus } from "@/lib/domain/tokens/status";
import { checkCsr, subjectFor } from "@/lib/pki/csr";
import { issueClientCertificate } from "@/lib/pki/issue";
import { redeemRequestSchema } from "@/lib/validation/certificates";
import { uuidSchema } from "@/lib/validation/common";
import { parseInput } from "@/lib/validation/parse";

// Redemption: the token is the credential, the CSR the proof of possession. The
// certificate is signed first (outside any transaction); then one transaction stores it
// and claims the token with a conditional update checked by its row count. Under any
// number of concurrent requests, on any number of instances, exactly one claim succeeds;
// the others roll back, leaving neither a certificate nor a claim behind.

export type RedeemInput = { frontdoorId: string; secret: string; body: unknown; context: RequestContext };

type TokenRow = {
  id: string;
  frontdoorId: string;
  name: string;
  commonName: string | null;
  organization: string | null;
  organizationalUnit: string | null;
  validDays: number;
  expiresAt: Date;
  redeemedAt: Date | null;
  revokedAt: Date | null;
  frontdoor: { name: string; tcpSharesEnabled: boolean };
};

const tokenSelect = {
  id: true,
  frontdoorId: true,
  name: true,
  commonName: true,
  organization: true,
  organizationalUnit: true,
  validDays: true,
  expiresAt: true,
  redeemedAt: true,
  revokedAt: true,
  frontdoor: { select: { name: true, tcpSharesEnabled: true } },
} as const;

/** The contract's error for a token that cannot be redeemed now, or null when it can. */
export function redemptionBlocker(token: TokenRow, now = new Date()): AppError | null {
  switch (tokenStatus(token, now)) {
    case "redeemed":
      return new AppError("token_already_used", "This token was redeemed already; tokens are single-use. Ask for a new one.");
    case "revoked":
      return new AppError("token_revoked", "This token was revoked by an administrator.");
    case "expired":
      return new AppError("token_expired", `This token expired at ${token.expiresAt.toISOString()}. Ask the administrator for a new one.`);
    case "active":
      break;
  }
  if (!token.frontdoor.tcpSharesEnabled) {
    return new AppError(
      "tcp_shares_disabled",
      `TCP shares are disabled on Frontdoor "${token.frontdoor.name}", so its tokens cannot be redeemed. The Frontdoor's administrator must enable them.`,
    );
  }
  return null;
}

/** Finds the token a secret belongs to on this Frontdoor, with the contract's not-found errors. */
export async function findTokenBySecret(frontdoorId: string, secret: string): Promise<TokenRow> {
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  const token = looksLikeTokenSecret(secret)
    ? await getDb().certificateRequestToken.findUnique({ where: { secretHash: hashSecret(secret) }, select: tokenSelect })
    : null;
  if (token && token.frontdoorId === frontdoorId) return token;
  const frontdoor = await getDb().frontdoor.findUnique({ where: { id: frontdoorId }, select: { id: true } });
  if (!frontdoor) throw new AppError("frontdoor_not_found");
  throw new AppError("token_not_found", "No such token on this Frontdoor. Check the token for typing mistakes.");
}

const tokenActor = (token: { id: string } | null, secret: string, context: RequestContext): AuditActor => ({
  actorKind: token ? "token" : "anonymous",
  actorId: token?.id ?? null,
  actorLabel: token ? secretHint(secret) : null,
  ip: context.ip ?? null,
  userAgent: auditUserAgent(context.userAgent),
});

/** Exchanges a token and a CSR for a client certificate. */
export async function redeemToken(input: RedeemInput): Promise<CertificateView> {
  let token: TokenRow | null = null;
  try {
    token = await findTokenBySecret(input.frontdoorId, input.secret);
    return await redeemFound(token, input);
  } catch (error) {
    if (isAppError(error) && error.code !== "frontdoor_not_found") {
      // Failed attempts are audited with their code and address, never with the secret,
      // at most about once a minute per token (or address) and code, each with its count.
      await auditRedeemFailure({ frontdoorId: token?.frontdoorId ?? input.frontdoorId, token, code: error.code, actor: tokenActor(token, input.secret, input.context) }).catch(
        (auditError: unknown) => console.error("[redeem] could not audit a failed attempt", auditError),
      );
    }
    throw error;
  }
}

async function redeemFound(token: TokenRow, input: RedeemInput): Promise<CertificateView> {
  const body = parseInput(redeemRequestSchema, input.body);
  if (body.type !== "CSR") throw new AppError("unsupported_request_type", `Request type "${body.type}" is not supported; send {"type": "CSR", "value": "<PEM>"}.`);
  const blocker = redemptionBlocker(token);
  if (blocker) throw blocker;

  const csr = checkCsr(body.value);
  const subject = subjectFor(token, csr.subject);

  const issuer = await issuerFor(token.frontdoorId);
  const issued = issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: csr.isRsa, subject, validDays: token.validDays });
  const actor = tokenActor(token, input.secret, input.context);
  const now = new Date();

  const row = await getDb()
    .$transaction(async (tx) => {
      const certificate = await tx.clientCertificate.create({
        data: {
          frontdoorId: token.frontdoorId,
          issuerId: issuer.id,
          name: token.name,
          commonName: subject.commonName,
          organization: subject.organization,
          organizationalUnit: subject.organizationalUnit,
          serialNumber: issued.serialNumber,
          fingerprintSha256: issued.fingerprintSha256,
          keyAlgorithm: csr.keyAlgorithm,
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          certificatePem: issued.pem,
        },
        select: { id: true },
      });
      const claim = await tx.certificateRequestToken.updateMany({
        where: {
          id: token.id,
          frontdoorId: token.frontdoorId,
          redeemedAt: null,
          revokedAt: null,
          expiresAt: { gt: now },
          frontdoor: { tcpSharesEnabled: true },
        },
        data: { redeemedAt: now, clientCertificateId: certificate.id },
      });
      if (claim.count !== 1) throw new ClaimLost();
      const common = { frontdoorId: token.frontdoorId };
      await recordAudits(tx, actor, [
        { ...common, action: "token.redeemed", targetKind: "token", targetId: token.id, details: { clientCertificateId: certificate.id } },
        {
          ...common,
          action: "certificate.issued",
          targetKind: "certificate",
          targetId: certificate.id,
          details: { tokenId: token.id, serialNumber: issued.serialNumber, commonName: subject.commonName, keyAlgorithm: csr.keyAlgorithm, notAfter: issued.notAfter.toISOString() },
        },
      ]);
      return tx.clientCertificate.findUniqueOrThrow({ where: { id: certificate.id }, select: certificateViewSelect });
    })
    .catch(async (error: unknown) => {
      if (!(error instanceof ClaimLost)) throw error;
      // Someone else claimed it (or it changed) between our read and our claim: say why.
      const current = await getDb().certificateRequestToken.findUnique({ where: { id: token.id }, select: tokenSelect });
      if (!current) throw new AppError("token_not_found");
      throw redemptionBlocker(current) ?? new AppError("token_already_used");
    });
  return toCertificateView(row, issuer.chainPem);
}

class ClaimLost extends Error {}
