import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { getDb } from "@/lib/db";
import { type AuditActor, auditUserAgent } from "@/lib/domain/audit/events";
import { currentCa, frontdoorCas } from "@/lib/domain/ca/trust";
import { issueCertificate } from "@/lib/domain/certificates/pipeline";
import { rulesOf } from "@/lib/domain/names/enforce";
import { newestOfLine } from "@/lib/domain/certificates/renewal-line";
import { storedSubjectAltNames } from "@/lib/domain/tokens/view";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError } from "@/lib/domain/errors";
import type { RequestContext } from "@/lib/domain/access/principal";
import { renewRequestSchema } from "@/lib/validation/certificates";
import { uuidSchema } from "@/lib/validation/common";
import { parseInput } from "@/lib/validation/parse";
import { addressKey } from "@/lib/http/client-info";
import { RateLimited, RENEWALS_PER_KEY_PER_HOUR, renewalKeyLimiter, renewalLimiter, renewalLimitRule } from "@/lib/http/rate-limit";

// Renewal: the current certificate is the credential, a CSR signed by its key the proof of
// possession. An authorizer in front of the one issuing pipeline: it checks the
// certificate cryptographically against this Frontdoor's CAs (any of them: one issued
// before a CA rotation renews too, and its successor is signed by the current CA), then
// the window; the claim
// (a conditional update that marks the old certificate renewed) makes "renewed once" hold
// under any number of concurrent renewals. The old certificate stays valid until it ends.
// Renewal is idempotent for the key: a certificate renewed before, asked again with a CSR of
// its key, answers with the newest certificate of its line and issues nothing, so neither a
// retry nor someone replaying an old CSR can lock the holder out of their successor.

const DAY_MS = 86_400_000;

type Current = { id: string; name: string; commonName: string; organization: string | null; organizationalUnit: string | null; subjectAltNames: unknown; notBefore: Date; notAfter: Date; revokedAt: Date | null; renewedAt: Date | null; frontdoor: { name: string; tcpSharesEnabled: boolean; renewalWindowDays: number; profile: unknown; namePolicy: unknown } };

/** Why the certificate cannot be renewed now, or null when it can. */
export function renewalBlocker(current: Current, now = new Date()): AppError | null {
  if (current.revokedAt) return new AppError("certificate_revoked", "This certificate was revoked; it cannot be renewed. Ask for a new token.");
  if (current.notAfter <= now) return new AppError("certificate_expired", `This certificate expired at ${current.notAfter.toISOString()}; it cannot be renewed. Ask for a new token.`);
  if (current.renewedAt) return new AppError("certificate_already_renewed", "This certificate was renewed already; renew the newer one when its time comes.");
  const windowDays = current.frontdoor.renewalWindowDays;
  if (windowDays === 0) return new AppError("renewal_disabled", `Renewal is turned off on Frontdoor "${current.frontdoor.name}".`);
  const opensAt = new Date(current.notAfter.getTime() - windowDays * DAY_MS);
  // A certificate whose whole life is shorter than the window is inside it from the start.
  if (now < opensAt && opensAt > current.notBefore) return new AppError("renewal_too_early", `Renewal opens at ${opensAt.toISOString()} (the last ${windowDays} days of the certificate's life).`);
  if (!current.frontdoor.tcpSharesEnabled) return new AppError("tcp_shares_disabled", `TCP shares are disabled on Frontdoor "${current.frontdoor.name}", so its certificates cannot be renewed.`);
  return null;
}

const currentSelect = {
  id: true,
  name: true,
  commonName: true,
  organization: true,
  organizationalUnit: true,
  subjectAltNames: true,
  notBefore: true,
  notAfter: true,
  revokedAt: true,
  renewedAt: true,
  frontdoor: { select: { name: true, tcpSharesEnabled: true, renewalWindowDays: true, profile: true, namePolicy: true } },
} as const;

/** The stored certificate a PEM is, if one of this Frontdoor's issuing CAs signed it; else certificate_not_found. */
async function currentCertificate(cas: { id: string; certificatePem: string }[], frontdoorId: string, pem: string): Promise<{ current: Current; certificate: X509Certificate }> {
  const notOurs = () => new AppError("certificate_not_found", "This Frontdoor's CA did not issue that certificate.");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new AppError("certificate_not_found", "The certificate is not a PEM X.509 certificate.");
  }
  // The signature decides, not a lookup: a self-made certificate with a copied subject, or
  // one from another Frontdoor's CA, is not this Frontdoor's.
  const issuer = cas.find((ca) => certificate.verify(new X509Certificate(ca.certificatePem).publicKey));
  if (!issuer) throw notOurs();
  const current = await getDb().clientCertificate.findFirst({
    where: { frontdoorId, issuerId: issuer.id, fingerprintSha256: certificate.fingerprint256.replace(/:/g, "").toLowerCase() },
    select: currentSelect,
  });
  if (!current) throw notOurs();
  return { current, certificate };
}

/** `channel` names a door that is not the REST API (SCEP) in the audit event. */
export type RenewInput = { frontdoorId: string; body: unknown; context: RequestContext; channel?: "scep" };
/** The successor; `isReplay` when it was issued before (by an earlier or concurrent request) and nothing was issued now. */
export type Renewal = { certificate: CertificateView; isReplay: boolean };

/** Issues the successor of a certificate (same subject, key and lifetime length), or hands back the one issued before; behind the renewal limit per address. */
export function renewCertificate(input: RenewInput): Promise<Renewal> {
  return renewalLimiter.around(addressKey(input.context.ip), () => renew(input), renewalLimitRule);
}

async function renew(input: RenewInput): Promise<Renewal> {
  if (!uuidSchema.safeParse(input.frontdoorId).success) throw new AppError("frontdoor_not_found");
  const body = parseInput(renewRequestSchema, input.body);
  if (body.type !== "CSR") throw new AppError("unsupported_request_type", `Request type "${body.type}" is not supported; send {"type": "CSR", "value": "<PEM>", "certificate": "<PEM>"}.`);
  // One read for the Frontdoor's existence, every CA that may have signed the certificate and the current one.
  const cas = await frontdoorCas(input.frontdoorId);
  const { current, certificate } = await currentCertificate(cas.cas, input.frontdoorId, body.certificate);
  const currentKey = certificate.publicKey.export({ format: "der", type: "spki" });
  // The same key, compared as a key: a certificate issued before EC keys given with explicit
  // curve parameters were written with their curve named (lib/pki/csr.ts) holds the same key in other bytes.
  const assertKey = (spkiDer: Uint8Array) => {
    if (!currentKey.equals(Buffer.from(spkiDer)) && !certificate.publicKey.equals(createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" }))) throw new AppError("renewal_key_mismatch", "The request is signed by another key than the certificate's; renewal keeps the key (openssl req -new -key key.pem).");
  };
  const replay = async (): Promise<Renewal> => ({ certificate: await newestOfLine({ frontdoorId: input.frontdoorId, certificateId: current.id, csrPem: body.value, assertKey }), isReplay: true });
  if (current.renewedAt) return replay();
  const blocker = renewalBlocker(current);
  if (blocker) throw blocker;

  const keyTag = createHash("sha256").update(currentKey).digest("base64url");
  const wait = await renewalKeyLimiter.take(keyTag);
  if (wait > 0) throw new RateLimited(wait, `This key had ${RENEWALS_PER_KEY_PER_HOUR} renewals issued in the last hour. Wait ${wait} seconds.`);

  const actor: AuditActor = { actorKind: "anonymous", actorId: current.id, actorLabel: `certificate ${certificate.serialNumber.toLowerCase()}`, ip: input.context.ip ?? null, userAgent: auditUserAgent(input.context.userAgent) };
  return issueCertificate(
    {
      frontdoorId: input.frontdoorId,
      caId: currentCa(cas).id,
      name: current.name,
      tokenId: null,
      renewedFromId: current.id,
      assertKey,
      // Exactly the old subject and SANs: nothing from the CSR.
      subject: { commonName: current.commonName, organization: current.organization, organizationalUnit: current.organizationalUnit },
      subjectAltNames: storedSubjectAltNames(current.subjectAltNames),
      // Today's profile (key types, EKUs) shapes the successor; its names were approved before.
      rules: rulesOf(current.frontdoor),
      validDays: Math.max(1, Math.round((current.notAfter.getTime() - current.notBefore.getTime() - 60_000) / DAY_MS)),
      actor,
      claim: { kind: "renewal", certificateId: current.id },
      events: (issued) => [
        {
          frontdoorId: input.frontdoorId,
          action: "certificate.renewed",
          targetKind: "certificate",
          targetId: issued.id,
          details: { renewedFromId: current.id, serialNumber: issued.serialNumber, notAfter: issued.notAfter.toISOString(), ...(input.channel ? { channel: input.channel } : {}) },
        },
      ],
      explainLostClaim: async () => {
        const now = await getDb().clientCertificate.findUnique({ where: { id: current.id }, select: currentSelect });
        if (!now) return new AppError("certificate_not_found");
        // Not blocked and not renewed: the Frontdoor's profile or name policy changed while this renewal was signed.
        return renewalBlocker(now) ?? new AppError("conflict", "This Frontdoor's profile or name policy changed while the renewal was being signed; send it again.");
      },
    },
    body.value,
  ).then(
    (issued): Renewal => ({ certificate: issued, isReplay: false }),
    // A concurrent renewal of the same certificate won the claim: its certificate is the
    // answer, and this one, which issued nothing, gives its point back.
    async (error: unknown) => {
      await renewalKeyLimiter.giveBack(keyTag);
      return isAppError(error) && error.code === "certificate_already_renewed" ? replay() : Promise.reject(error);
    },
  );
}
