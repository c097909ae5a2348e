import "server-only";
import { X509Certificate } from "node:crypto";
import { getDb } from "@/lib/db";
import { type AuditActor, auditUserAgent } from "@/lib/domain/audit/events";
import type { RequestContext } from "@/lib/domain/access/principal";
import { issueCertificate } from "@/lib/domain/certificates/pipeline";
import { auditRedeemFailure } from "@/lib/domain/certificates/redeem-failures";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError } from "@/lib/domain/errors";
import { rulesOf, validDaysUnder } from "@/lib/domain/names/enforce";
import { IntuneRefusal, IntuneUnavailable, intuneFor, type IntuneValidator } from "@/lib/domain/scep/intune/validator";
import { logger } from "@/lib/observability/log";
import { toPem } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// The SCEP authorizer for a challenge that is not a Certdoor token, on a Frontdoor with
// Intune settings: Intune validates the request (its challenge is inside the CSR), then the
// issuing pipeline issues with the subject and SANs of the CSR within the Frontdoor's name
// policy and profile, as a token with blank fields would. Each transactionId is issued for
// once: a replay is refused before Intune is asked; a validated request records its
// transaction (only validated ones, so refused garbage adds no rows), and the pipeline's one
// write claims that record, so two requests racing with one transactionId get one certificate.

export type IntuneEnrollment = { frontdoorId: string; transactionId: string; csrDer: Uint8Array; context: RequestContext };

const log = logger("intune");

// HRESULTs Intune shows its administrators (Microsoft's contract asks for one per failure).
const E_FAIL = 0x80004005;
const HRESULT_OF: Record<string, number> = {
  name_not_allowed: 0x80094001, // CERTSRV_E_BAD_REQUESTSUBJECT
  invalid_csr: 0x80094001,
  unsupported_key: 0x80090003, // NTE_BAD_KEY
  csr_signature_invalid: 0x80090003,
};

/** Intune's refusal as the contract sees it: an unknown challenge (SCEP badRequest), audited as intune_refused. */
class RefusedByIntune extends AppError {
  constructor(refusal: IntuneRefusal) {
    super("token_not_found", `Intune refused the challenge: ${refusal.code}${refusal.description ? ` (${refusal.description})` : ""}.`);
  }
}

type FrontdoorRow = { tcpSharesEnabled: boolean; name: string; profile: unknown; namePolicy: unknown; currentCaId: string | null; wasIssued: boolean };

/** The Frontdoor (its rules and current CA) and whether this transactionId got a certificate already, in one statement. */
async function readFrontdoor(frontdoorId: string, transactionId: string): Promise<FrontdoorRow> {
  const [row] = await getDb().$queryRaw<FrontdoorRow[]>`
    SELECT f."name", f."tcpSharesEnabled", f."profile", f."namePolicy",
           (SELECT c."id"::text FROM "CertificateAuthority" c WHERE c."frontdoorId" = f."id" AND c."retiredAt" IS NULL) AS "currentCaId",
           EXISTS (SELECT 1 FROM "IntuneScepTransaction" t WHERE t."frontdoorId" = f."id" AND t."transactionId" = ${transactionId} AND t."certificateId" IS NOT NULL) AS "wasIssued"
      FROM "Frontdoor" f WHERE f."id" = ${frontdoorId}::uuid`;
  if (!row) throw new AppError("frontdoor_not_found");
  return row;
}

/** Records a validated transaction (or finds its record); null when it was issued for meanwhile. */
async function recordTransaction(frontdoorId: string, transactionId: string): Promise<string | null> {
  const [row] = await getDb().$queryRaw<{ id: string }[]>`
    INSERT INTO "IntuneScepTransaction" ("frontdoorId", "transactionId") VALUES (${frontdoorId}::uuid, ${transactionId})
    ON CONFLICT ("frontdoorId", "transactionId") DO UPDATE SET "createdAt" = "IntuneScepTransaction"."createdAt"
     WHERE "IntuneScepTransaction"."certificateId" IS NULL
    RETURNING "id"::text AS "id"`;
  return row?.id ?? null;
}

const replayed = (transactionId: string) => new AppError("token_already_used", `SCEP transaction ${transactionId} was issued a certificate already; a transaction is issued for once.`);

const intuneActor = (transactionId: string, context: RequestContext): AuditActor => ({
  actorKind: "anonymous",
  actorId: null,
  actorLabel: `Intune SCEP ${transactionId}`.slice(0, 200),
  ip: context.ip ?? null,
  userAgent: auditUserAgent(context.userAgent),
});

/** Issues a certificate for an Intune-validated SCEP request, and tells Intune how it went. */
export async function enrollWithIntune(input: IntuneEnrollment): Promise<CertificateView> {
  if (!uuidSchema.safeParse(input.frontdoorId).success) throw new AppError("frontdoor_not_found");
  const transactionId = input.transactionId.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(transactionId)) throw new AppError("validation_failed", "A SCEP transactionID is 1 to 128 printable characters.");
  const intune = await intuneFor(input.frontdoorId);
  if (!intune) throw new AppError("token_not_found", "The challenge is not a certificate request token of this Frontdoor, and the Frontdoor does not use Intune.");
  const request = { transactionId, csrDer: input.csrDer };
  const actor = intuneActor(transactionId, input.context);
  try {
    const frontdoor = await readFrontdoor(input.frontdoorId, transactionId);
    if (frontdoor.wasIssued) throw replayed(transactionId);
    if (!frontdoor.tcpSharesEnabled) throw new AppError("tcp_shares_disabled", `TCP shares are disabled on Frontdoor "${frontdoor.name}", so no certificate can be issued there.`);
    if (!frontdoor.currentCaId) throw new Error(`Frontdoor ${input.frontdoorId} has no issuing CA; restart Certdoor to create it.`);
    await validate(intune, request);
    const transactionRowId = await recordTransaction(input.frontdoorId, transactionId);
    if (!transactionRowId) throw replayed(transactionId);
    const issued = await issueValidated(input, frontdoor, transactionRowId, actor);
    await notifySuccess(intune, request, issued, input.frontdoorId);
    return issued;
  } catch (error) {
    if (isAppError(error)) {
      await auditRedeemFailure({ frontdoorId: input.frontdoorId, token: null, code: error instanceof RefusedByIntune ? "intune_refused" : error.code, actor }).catch((auditError: unknown) =>
        log.error({ err: auditError }, "could not audit a refused Intune request"),
      );
      // Intune hears of every request it validated (or refused) that got no certificate;
      // not of a replay (its transaction got one) nor when Intune could not be reached.
      if (error.code !== "token_already_used" && error.code !== "unavailable") {
        await intune.failed({ ...request, hResult: HRESULT_OF[error.code] ?? E_FAIL, errorDescription: `${error.code}: ${error.message}` }).catch((notifyError: unknown) => log.warn({ err: notifyError, transactionId }, "Intune's failureNotification failed"));
      }
    }
    throw error;
  }
}

/** Intune's answer as the contract's errors: a refusal is an unknown challenge; no answer is unavailable. */
async function validate(intune: IntuneValidator, request: { transactionId: string; csrDer: Uint8Array }): Promise<void> {
  try {
    await intune.validate(request);
  } catch (error) {
    if (error instanceof IntuneRefusal) throw new RefusedByIntune(error);
    if (error instanceof IntuneUnavailable) throw new AppError("unavailable", error.message);
    throw error;
  }
}

function issueValidated(input: IntuneEnrollment, frontdoor: FrontdoorRow, transactionRowId: string, actor: AuditActor): Promise<CertificateView> {
  const rules = rulesOf(frontdoor);
  return issueCertificate(
    {
      frontdoorId: input.frontdoorId,
      caId: frontdoor.currentCaId!,
      name: `Intune SCEP ${input.transactionId}`.slice(0, 128),
      tokenId: null,
      // Blank subject and no pre-approved SANs: the CSR's, within the name policy and profile.
      subject: { commonName: null, organization: null, organizationalUnit: null },
      subjectAltNames: {},
      rules,
      validDays: validDaysUnder(rules, undefined),
      actor,
      claim: { kind: "intune", transactionRowId },
      events: (issued) => [
        {
          frontdoorId: input.frontdoorId,
          action: "certificate.issued",
          targetKind: "certificate",
          targetId: issued.id,
          details: { channel: "scep", source: "intune", transactionId: input.transactionId, serialNumber: issued.serialNumber, commonName: issued.commonName, keyAlgorithm: issued.keyAlgorithm, notAfter: issued.notAfter.toISOString() },
        },
      ],
      explainLostClaim: async () => {
        const row = await getDb().intuneScepTransaction.findUnique({ where: { id: transactionRowId }, select: { certificateId: true } });
        if (row?.certificateId) return replayed(input.transactionId);
        return new AppError("conflict", "The Frontdoor's settings changed while the certificate was being issued; send the request again.");
      },
    },
    toPem(input.csrDer, "CERTIFICATE REQUEST"),
  );
}

/** Intune's successNotification; the certificate is stored already, so a failure here is logged, not the device's. */
async function notifySuccess(intune: IntuneValidator, request: { transactionId: string; csrDer: Uint8Array }, issued: CertificateView, frontdoorId: string): Promise<void> {
  const certificate = new X509Certificate(issued.certificate);
  await intune
    .succeeded({
      ...request,
      certificateThumbprint: certificate.fingerprint.replaceAll(":", ""),
      certificateSerialNumber: issued.serialNumber,
      certificateExpirationDateUtc: issued.notAfter,
      issuingCertificateAuthority: certificate.issuer.split("\n").join(", "),
      caConfiguration: `certdoor/${frontdoorId}`,
      certificateAuthority: "Certdoor",
    })
    .catch((error: unknown) => log.warn({ err: error, transactionId: request.transactionId, certificateId: issued.id }, "Intune's successNotification failed"));
}
