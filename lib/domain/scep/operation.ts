import "server-only";
import type { RequestContext } from "@/lib/domain/access/principal";
import { auditUserAgent } from "@/lib/domain/audit/events";
import { redeemToken } from "@/lib/domain/certificates/redeem";
import { auditRedeemFailure } from "@/lib/domain/certificates/redeem-failures";
import { renewCertificate } from "@/lib/domain/certificates/renew";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError, isAppError } from "@/lib/domain/errors";
import { enrollWithIntune } from "@/lib/domain/scep/intune/enroll";
import { currentRa, type ScepRa } from "@/lib/domain/scep/ra";
import { looksLikeTokenSecret } from "@/lib/domain/tokens/secret";
import { addressKey } from "@/lib/http/client-info";
import { tokenGuessLimiter, tokenGuessRule } from "@/lib/http/rate-limit";
import { fromPem, splitPemChain, toPem } from "@/lib/pki/pem";
import { challengePasswordOf, type FailInfo, MESSAGE_TYPE } from "@/lib/pki/scep/attributes";
import { buildCertRep } from "@/lib/pki/scep/cert-rep";
import { openRequest, type PkiMessage, readPkiMessage, requireSignerHoldsCsrKey } from "@/lib/pki/scep/pki-message";
import { NotScepMessage, ScepRefusal } from "@/lib/pki/scep/refusal";

// SCEP's PKIOperation (RFC 8894 §3.3) as one more authorizer in front of the issuing
// pipeline: PKCSReq is a redemption (its challengePassword is the token), RenewalReq a
// renewal (its signer certificate is the current certificate, its signature the proof of the
// key). Every refusal, whether of the message (signature, algorithm, envelope) or of the
// redemption or renewal (any of their contract errors), is a signed CertRep FAILURE and an
// audit event (token.redeem_failed with details.channel "scep", throttled as every failed
// redemption is); nothing is issued. Only a body that cannot be answered at all is an HTTP
// error, and only infrastructure failures are 5xx.

/** A refused request's audit code: the contract error, or what was wrong with the message. */
const REFUSAL_CODE: Record<FailInfo, string> = { badAlg: "scep_bad_alg", badMessageCheck: "scep_bad_message_check", badRequest: "scep_bad_request", badTime: "scep_bad_time", badCertID: "scep_bad_cert_id" };

type Signed = Exclude<PkiMessage["checked"], ScepRefusal>;

// Redemption and the Intune path audit their own refusals (with the token when they know it); the others are audited here.
const auditedByRedemption = new WeakSet<object>();
const auditingItself = <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    if (isAppError(error)) auditedByRedemption.add(error);
    throw error;
  });

/** The certificate a checked PKCSReq or RenewalReq is issued, or a refusal (thrown). */
async function issueFor(frontdoorId: string, message: PkiMessage, signed: Signed, ra: ScepRa, context: RequestContext): Promise<{ issued: CertificateView; cipher: ReturnType<typeof openRequest>["cipher"] }> {
  if (message.messageType !== MESSAGE_TYPE.pkcsReq && message.messageType !== MESSAGE_TYPE.renewalReq) {
    throw new ScepRefusal("badRequest", `messageType ${message.messageType} is not supported: Certdoor answers PKCSReq and RenewalReq at once, so there is nothing to poll.`);
  }
  // The answer is encrypted to the signer's key: refuse before issuing what could not be delivered.
  if (signed.signer.x509.publicKey.asymmetricKeyType !== "rsa") throw new ScepRefusal("badAlg", "The request's signer certificate must have an RSA key (the answer is encrypted to it).");
  const { csrDer, csrKey, cipher } = openRequest(signed.envelope, ra);
  const csrPem = toPem(csrDer, "CERTIFICATE REQUEST");
  if (message.messageType === MESSAGE_TYPE.renewalReq) {
    const certificate = toPem(signed.signer.der, "CERTIFICATE");
    const { certificate: issued } = await renewCertificate({ frontdoorId, body: { type: "CSR", value: csrPem, certificate }, context, channel: "scep" });
    return { issued, cipher };
  }
  requireSignerHoldsCsrKey(signed.signer, csrKey);
  const challenge = challengePasswordOf(csrDer);
  if (!challenge) throw new ScepRefusal("badRequest", "The PKCS#10 carries no challengePassword: send a certificate request token of this Frontdoor as the challenge.");
  // A challenge that is not a Certdoor token is an MDM's: Intune's, validated with Intune when
  // the Frontdoor has Intune settings (scep/intune/enroll.ts), else an unknown token. The
  // guess limit of every door where a token is the credential holds for both, per client
  // address, since each unknown foreign challenge costs a call to Intune.
  const attempt = looksLikeTokenSecret(challenge)
    ? () => auditingItself(redeemToken({ frontdoorId, secret: challenge, body: { type: "CSR", value: csrPem }, context, channel: "scep" }))
    : () => auditingItself(enrollWithIntune({ frontdoorId, transactionId: message.transactionId, csrDer, context }));
  const issued = await tokenGuessLimiter.around(addressKey(context.ip), attempt, tokenGuessRule);
  return { issued, cipher };
}

/** Why a request was refused, as a failInfo, audited (unless redemption did). */
async function refusalOf(frontdoorId: string, error: ScepRefusal | AppError, context: RequestContext): Promise<FailInfo> {
  const failInfo: FailInfo = error instanceof ScepRefusal ? error.failInfo : "badRequest";
  const code = error instanceof ScepRefusal ? REFUSAL_CODE[failInfo] : error.code;
  if (!auditedByRedemption.has(error)) {
    await auditRedeemFailure({ frontdoorId, token: null, code, channel: "scep", actor: { actorKind: "anonymous", actorId: null, actorLabel: null, ip: context.ip ?? null, userAgent: auditUserAgent(context.userAgent) } });
  }
  return failInfo;
}

/** Answers a PKIOperation body with a CertRep (DER); AppError validation_failed when the body is not a SCEP message, frontdoor_not_found for an unknown Frontdoor. */
export async function scepPkiOperation(frontdoorId: string, body: Uint8Array, context: RequestContext): Promise<Uint8Array> {
  const ra = await currentRa(frontdoorId);
  let message: PkiMessage;
  try {
    message = readPkiMessage(body);
  } catch (error) {
    if (error instanceof NotScepMessage) throw new AppError("validation_failed", error.message);
    throw error;
  }
  const signer = { certificateDer: ra.certificateDer, privateKey: ra.privateKey };
  try {
    if (message.checked instanceof ScepRefusal) throw message.checked;
    const { issued, cipher } = await issueFor(frontdoorId, message, message.checked, ra, context);
    const certificatesDer = [issued.certificate, ...splitPemChain(issued.caCertificates)].map((pem) => fromPem(pem, ["CERTIFICATE"])!);
    return buildCertRep(signer, message, { status: "SUCCESS", certificatesDer, recipientDer: message.checked.signer.der, cipher });
  } catch (error) {
    // Infrastructure (the database, a CA key) is not the client's fault: let it be a 5xx.
    if (!(error instanceof ScepRefusal || (isAppError(error) && error.status < 500))) throw error;
    return buildCertRep(signer, message, { status: "FAILURE", failInfo: await refusalOf(frontdoorId, error, context) });
  }
}
