import { randomUUID } from "node:crypto";
import { hotQuery } from "@/lib/db/hot-query";
import { type AuditActor, AUDIT_COLUMNS, type AuditInput, auditValuesSql } from "@/lib/domain/audit/events";
import { type CaIssuer, issuerById } from "@/lib/domain/ca/store";
import { type CertificateView, certificateStatus } from "@/lib/domain/certificates/view";
import { type AppError, fromPki } from "@/lib/domain/errors";
import { type ClaimTarget, claimSql } from "@/lib/domain/certificates/claim";
import { assertKeyTypeAllowed, type FrontdoorRules } from "@/lib/domain/names/enforce";
import { assertCsrCommonName, subjectAltNamesToIssue } from "@/lib/domain/names/issuance";
import { type CheckedCsr, checkCsr, type KeyAlgorithm, type SubjectFields, subjectFor } from "@/lib/pki/csr";
import { issueClientCertificate, type LeafSubject } from "@/lib/pki/issue";
import { pointerExtensions, pointersFor } from "@/lib/pki/pointers";
import { subjectAltNameExtension } from "@/lib/pki/san";
import { metrics } from "@/lib/observability/metrics";
import { certificatePointerBase } from "@/lib/runtime/public-url";
import type { SubjectAltNames } from "@/lib/validation/subject-alt-names";

// One issuing pipeline behind every door. A door (redemption by token, EST, renewal) is an
// authorizer: it says who asks, which subject and lifetime they may have, and what it
// claims (claim.ts builds the claim). The pipeline checks the CSR, signs (outside any
// transaction), then claims, stores and audits in ONE statement: a CTE whose claim returns
// a row only while the claim holds (and the signing CA is still current), the certificate
// insert reads from that row, and the audit insert from the certificate's. Either all of it
// commits or none of it, with no lock held across round trips, on any number of instances
// (step-ca's provisioners are the model: AuthorizeSign, then one signing path).

export type IssuedFacts = { id: string; serialNumber: string; commonName: string; keyAlgorithm: KeyAlgorithm; notBefore: Date; notAfter: Date };

export type Authorization = {
  frontdoorId: string;
  /** The Frontdoor's current issuing CA, as the authorizer read it with its own statement (never from a cache). */
  caId: string;
  /** The certificate's name (the token's). */
  name: string;
  tokenId: string | null;
  /** Set by renewal: the certificate the new one renews (stored on the new row). */
  renewedFromId?: string;
  /** A check of the CSR's key before anything is signed (renewal: the same key as before). */
  assertKey?: (spkiDer: Uint8Array) => void;
  /** Pre-approved subject: a field set here wins over the CSR's. */
  subject: SubjectFields;
  /** Pre-approved SANs (the token's, or those of the certificate renewed): the certificate carries exactly these, or, where the profile allows it and there are none, the CSR's within the name policy. */
  subjectAltNames: SubjectAltNames;
  /** The Frontdoor's profile and name policy, read with the authorizer's own statement. */
  rules: FrontdoorRules;
  validDays: number;
  actor: AuditActor;
  /** What this issuance claims (claim.ts turns it into the statement's conditional update). */
  claim: ClaimTarget;
  /** The audit events of a successful issuance. */
  events: (issued: IssuedFacts) => AuditInput[];
  /** Why the claim was lost (read only then): the contract error to answer, or another error the door handles (redemption retries a token changed meanwhile). */
  explainLostClaim: () => Promise<Error>;
};

// One entry per CA this process signs with: the pointers' origin is configuration
// (certificatePointerBase), never a request's, so no client can add entries.
const pointerCache = new Map<string, Buffer[]>();

/** The CRL and OCSP pointer extensions of an issuing CA's certificates, made once per process and CA. */
function pointersOf(frontdoorId: string, issuer: CaIssuer): Buffer[] {
  let extensions = pointerCache.get(issuer.id);
  if (!extensions) {
    extensions = pointerExtensions(pointersFor(certificatePointerBase().url, frontdoorId, issuer));
    pointerCache.set(issuer.id, extensions);
  }
  return extensions;
}

type CheckedRequest = { csr: CheckedCsr; subject: LeafSubject; subjectAltNames: SubjectAltNames };

/** Checks the CSR, signs, and claims/stores/audits in one statement. */
export async function issueCertificate(auth: Authorization, csrPem: string): Promise<CertificateView> {
  const csr = fromPki(() => checkCsr(csrPem));
  // The Frontdoor's profile and name policy, for every door at once (names/enforce.ts).
  assertKeyTypeAllowed(auth.rules.profile, csr.keyAlgorithm);
  auth.assertKey?.(csr.spkiDer);
  // A redemption (or an Intune-validated SCEP request, whose subject is the CSR's) fills the
  // fields its token left blank from the CSR; a renewal takes nothing
  // from its CSR: exactly the old certificate's subject and names (an O or OU the old one
  // lacked must not appear because the renewal CSR asks for it).
  const mayTakeFromCsr = auth.claim.kind !== "renewal";
  const subject = fromPki(() => subjectFor(auth.subject, mayTakeFromCsr ? csr.subject : { commonName: null, organization: null, organizationalUnit: null }));
  assertCsrCommonName(auth.rules, auth.subject, subject);
  const request = { csr, subject, subjectAltNames: subjectAltNamesToIssue(auth.rules, auth.subjectAltNames, csrPem, { mayTakeFromCsr }) };
  const first = await signAndClaim(auth, request, auth.caId);
  // The CA was rotated between the authorizer's read and the claim: sign once more with the
  // CA that is current now (a second loss is explained like any other).
  const outcome = first.kind === "lost" && first.currentCaId && first.currentCaId !== auth.caId ? await signAndClaim(auth, request, first.currentCaId) : first;
  if (outcome.kind === "lost") throw await auth.explainLostClaim();
  metrics().certificatesIssued.inc({ how: auth.renewedFromId ? "renewed" : "redeemed" });
  return outcome.view;
}

type Outcome = { kind: "stored"; view: CertificateView } | { kind: "lost"; currentCaId: string | null };

async function signAndClaim(auth: Authorization, { csr, subject, subjectAltNames }: CheckedRequest, caId: string): Promise<Outcome> {
  const issuer = await issuerById(caId);
  if (issuer.frontdoorId !== auth.frontdoorId) throw new Error(`CA ${caId} is not an issuing CA of Frontdoor ${auth.frontdoorId}.`);
  const san = subjectAltNameExtension(subjectAltNames);
  const extraExtensions = san ? [...pointersOf(auth.frontdoorId, issuer), san] : pointersOf(auth.frontdoorId, issuer);
  const issued = await issueClientCertificate({ issuer, spkiDer: csr.spkiDer, isRsa: csr.isRsa, subject, validDays: auth.validDays, extendedKeyUsage: auth.rules.profile.extendedKeyUsage, extraExtensions });
  const id = `cert-${randomUUID()}`;
  const now = new Date();
  const facts: IssuedFacts = { id, serialNumber: issued.serialNumber, commonName: subject.commonName, keyAlgorithm: csr.keyAlgorithm, notBefore: issued.notBefore, notAfter: issued.notAfter };

  // A lost claim also says which CA is current, in the same statement (read only then).
  const [stored] = await hotQuery<{ createdAt: Date | null; currentCaId: string | null }[]>`
    WITH claim AS (${claimSql(auth.claim, { frontdoorId: auth.frontdoorId, caId: issuer.id, certificateId: id, now, rules: auth.rules.stored })}),
    cert AS (
      INSERT INTO "ClientCertificate" ("id", "frontdoorId", "issuerId", "name", "commonName", "organization", "organizationalUnit", "subjectAltNames",
                                       "serialNumber", "fingerprintSha256", "keyAlgorithm", "notBefore", "notAfter", "certificatePem", "createdAt", "renewedFromId")
      SELECT ${id}, ${auth.frontdoorId}::uuid, ${issuer.id}::uuid, ${auth.name}, ${subject.commonName}, ${subject.organization}, ${subject.organizationalUnit}, ${JSON.stringify(subjectAltNames)}::jsonb,
             ${issued.serialNumber}, ${issued.fingerprintSha256}, ${csr.keyAlgorithm}, ${issued.notBefore}::timestamptz, ${issued.notAfter}::timestamptz, ${issued.pem}, ${now}::timestamptz,
             ${auth.renewedFromId ?? null}
        FROM claim
      RETURNING "createdAt"
    ),
    audit AS (
      INSERT INTO "AuditEvent" (${AUDIT_COLUMNS})
      SELECT v.* FROM (${auditValuesSql(auth.actor, auth.events(facts), now)}) AS v CROSS JOIN cert
    )
    SELECT (SELECT "createdAt" FROM cert) AS "createdAt",
           CASE WHEN NOT EXISTS (SELECT 1 FROM cert)
                THEN (SELECT c."id"::text FROM "CertificateAuthority" c WHERE c."frontdoorId" = ${auth.frontdoorId}::uuid AND c."retiredAt" IS NULL) END AS "currentCaId"`;
  if (!stored?.createdAt) return { kind: "lost", currentCaId: stored?.currentCaId ?? null };

  return {
    kind: "stored",
    view: {
      id,
      name: auth.name,
      frontdoorId: auth.frontdoorId,
      tokenId: auth.tokenId,
      commonName: subject.commonName,
      organization: subject.organization,
      organizationalUnit: subject.organizationalUnit,
      subjectAltNames,
      serialNumber: issued.serialNumber,
      fingerprintSha256: issued.fingerprintSha256,
      keyAlgorithm: csr.keyAlgorithm,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
      status: certificateStatus({ revokedAt: null, notAfter: issued.notAfter }, now),
      createdAt: stored.createdAt,
      revokedAt: null,
      revokedBy: null,
      revocationReason: null,
      renewedFromId: auth.renewedFromId ?? null,
      renewedById: null,
      certificate: issued.pem,
      caCertificates: issuer.chainPem,
    },
  };
}
