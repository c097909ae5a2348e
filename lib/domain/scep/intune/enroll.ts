import "server-only";
import { X509Certificate } from "node:crypto";
import { type AuditActor, auditUserAgent } from "@/lib/domain/audit/events";
import type { RequestContext } from "@/lib/domain/access/principal";
import { issueCertificate } from "@/lib/domain/certificates/pipeline";
import { auditRedeemFailure } from "@/lib/domain/certificates/redeem-failures";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError, OperatorOnlyError } from "@/lib/domain/errors";
import { rulesOf, validDaysUnder } from "@/lib/domain/names/enforce";
import { approvalsRequired, challengeHashOf, challengeUsed, explainLostChallenge, type IntuneFrontdoor, readIntuneFrontdoor, recordChallenge } from "@/lib/domain/scep/intune/transactions";
import { IntuneRefusal, IntuneUnavailable, intuneFor, type IntuneValidator } from "@/lib/domain/scep/intune/validator";
import { intuneCallLimiter, RateLimited } from "@/lib/http/rate-limit";
import { logger } from "@/lib/observability/log";
import { toPem } from "@/lib/pki/pem";
import { uuidSchema } from "@/lib/validation/common";

// The SCEP authorizer for a challenge that is not a Certdoor token, on a Frontdoor with
// Intune settings: Intune validates the request (its challenge is inside the CSR), then the
// issuing pipeline issues with the subject and SANs of the CSR within the Frontdoor's name
// policy and profile, as a token with blank fields would. Each challenge is issued for once,
// on one Frontdoor (transactions.ts); a replay is refused before Intune is asked. A Frontdoor
// under the two-person rule refuses: SCEP here never answers PENDING, and an Intune challenge
// is not a token anyone could approve. Every call to Intune takes a point of the Frontdoor's
// limit first (lib/http/rate-limit.ts intuneCallLimiter).

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

/**
 * Refusals Intune is not told of: its own (it answered the validation, and a notification of
 * what it refused tells it nothing while doubling what each garbage challenge costs), a
 * replay (the challenge got its certificate), no Intune or no challenge at all, and when it
 * could not be reached or was not to be called (the limit).
 */
const NOT_REPORTED = new Set(["token_not_found", "token_already_used", "unavailable", "rate_limited"]);

/** Intune's refusal as the contract sees it: an unknown challenge (SCEP badRequest), audited as intune_refused. */
class RefusedByIntune extends AppError {
  constructor(refusal: IntuneRefusal) {
    super("token_not_found", `Intune refused the challenge: ${refusal.code}${refusal.description ? ` (${refusal.description})` : ""}.`);
  }
}

const intuneActor = (transactionId: string, context: RequestContext): AuditActor => ({
  actorKind: "anonymous",
  actorId: null,
  actorLabel: `Intune SCEP ${transactionId}`.slice(0, 200),
  ip: context.ip ?? null,
  userAgent: auditUserAgent(context.userAgent),
});

/** Takes the Frontdoor's point for one call to Intune, or refuses (rate_limited). */
async function spendIntuneCall(frontdoorId: string): Promise<void> {
  const wait = await intuneCallLimiter.take(frontdoorId);
  if (wait > 0) throw new RateLimited(wait, `Too many requests to Intune for this Frontdoor. Wait ${wait} seconds.`);
}

/** Issues a certificate for an Intune-validated SCEP request, and tells Intune how it went. */
export async function enrollWithIntune(input: IntuneEnrollment): Promise<CertificateView> {
  if (!uuidSchema.safeParse(input.frontdoorId).success) throw new AppError("frontdoor_not_found");
  const transactionId = input.transactionId.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(transactionId)) throw new AppError("validation_failed", "A SCEP transactionID is 1 to 128 printable characters.");
  const request = { transactionId, csrDer: input.csrDer };
  const actor = intuneActor(transactionId, input.context);
  let intune: IntuneValidator | null = null;
  try {
    intune = await intuneFor(input.frontdoorId);
    if (!intune) throw new AppError("token_not_found", "The challenge is not a certificate request token of this Frontdoor, and the Frontdoor does not use Intune.");
    const challengeHash = challengeHashOf(input.csrDer);
    if (!challengeHash) throw new AppError("token_not_found", "The request carries no challengePassword.");
    const frontdoor = await readIntuneFrontdoor(input.frontdoorId, challengeHash);
    if (frontdoor.wasIssued) throw challengeUsed();
    // From here each request costs a call to Intune: the validation, or the failure notification.
    await spendIntuneCall(input.frontdoorId);
    if (!frontdoor.tcpSharesEnabled) throw new AppError("tcp_shares_disabled", `TCP shares are disabled on Frontdoor "${frontdoor.name}", so no certificate can be issued there.`);
    if (frontdoor.approvalsRequired > 0) throw approvalsRequired(frontdoor);
    if (!frontdoor.currentCaId) throw new Error(`Frontdoor ${input.frontdoorId} has no issuing CA; restart Certdoor to create it.`);
    await validate(intune, request);
    const transactionRowId = await recordChallenge(input.frontdoorId, transactionId, challengeHash);
    if (!transactionRowId) throw challengeUsed();
    const issued = await issueValidated(input, frontdoor, transactionRowId, actor);
    await notifySuccess(intune, request, issued, input.frontdoorId);
    return issued;
  } catch (error) {
    if (isAppError(error)) await refused(error, intune, { ...request, frontdoorId: input.frontdoorId, actor });
    throw error;
  }
}

/** Audits a refusal as a SCEP one, and tells Intune of it unless NOT_REPORTED. */
async function refused(error: AppError, intune: IntuneValidator | null, at: { transactionId: string; csrDer: Uint8Array; frontdoorId: string; actor: AuditActor }): Promise<void> {
  const code = error instanceof RefusedByIntune ? "intune_refused" : error.code;
  await auditRedeemFailure({ frontdoorId: at.frontdoorId, token: null, code, channel: "scep", actor: at.actor }).catch((auditError: unknown) => log.error({ err: auditError }, "could not audit a refused Intune request"));
  if (!intune || NOT_REPORTED.has(error.code)) return;
  await intune
    .failed({ transactionId: at.transactionId, csrDer: at.csrDer, hResult: HRESULT_OF[error.code] ?? E_FAIL, errorDescription: `${error.code}: ${error.message}` })
    .catch((notifyError: unknown) => log.warn({ err: notifyError, transactionId: at.transactionId }, "Intune's failureNotification failed"));
}

/** Intune's answer as the contract's errors: a refusal is an unknown challenge; no answer is unavailable. */
async function validate(intune: IntuneValidator, request: { transactionId: string; csrDer: Uint8Array }): Promise<void> {
  try {
    await intune.validate(request);
  } catch (error) {
    if (error instanceof IntuneRefusal) throw new RefusedByIntune(error);
    // The detail names the tenant, the app and Entra's or Graph's words: the operator's, never an anonymous client's.
    if (error instanceof IntuneUnavailable) throw new OperatorOnlyError("unavailable", error.message, "Microsoft Intune cannot be reached to validate the challenge right now. The operator has been told (server log); try again later.");
    throw error;
  }
}

function issueValidated(input: IntuneEnrollment, frontdoor: IntuneFrontdoor, transactionRowId: string, actor: AuditActor): Promise<CertificateView> {
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
      explainLostClaim: () => explainLostChallenge(transactionRowId, input.frontdoorId),
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
