import "server-only";
import { env } from "@/lib/env";
import { type IntuneConnection, postScepAction } from "@/lib/domain/scep/intune/graph";
import { intuneCredentials } from "@/lib/domain/scep/intune/settings";

// What the SCEP door (and enroll.ts) call: a Frontdoor's Intune validator, or null when the
// Frontdoor has no Intune settings. The bodies are those of Microsoft's published contract
// (its IntuneScepServiceClient): validateRequest { request }, the notifications
// { notification }, each with the transactionId, the CSR in base64 and callerInfo.

export { IntuneRefusal, IntuneUnavailable } from "@/lib/domain/scep/intune/graph";

/** Names Certdoor to Intune (Microsoft's providerNameAndVersion). */
export const CALLER_INFO = "Certdoor";

export type IntuneRequest = { transactionId: string; csrDer: Uint8Array; callerInfo?: string };

export type IntuneIssued = IntuneRequest & {
  /** SHA-1 of the certificate's DER, hex (Windows' thumbprint). */
  certificateThumbprint: string;
  certificateSerialNumber: string;
  certificateExpirationDateUtc: Date;
  /** The issuing CA's subject. */
  issuingCertificateAuthority: string;
  caConfiguration: string;
  certificateAuthority: string;
};

export type IntuneFailure = IntuneRequest & { hResult: number; errorDescription: string };

export type IntuneValidator = {
  /** Resolves when Intune validates the request; IntuneRefusal when it refuses, IntuneUnavailable when it cannot be asked. */
  validate(request: IntuneRequest): Promise<void>;
  /** Tells Intune the certificate issued for a validated request. */
  succeeded(issued: IntuneIssued): Promise<void>;
  /** Tells Intune a validated (or refused) request got no certificate, and why. */
  failed(failure: IntuneFailure): Promise<void>;
};

const common = ({ transactionId, csrDer, callerInfo }: IntuneRequest) => ({
  transactionId,
  certificateRequest: Buffer.from(csrDer).toString("base64"),
  callerInfo: callerInfo ?? CALLER_INFO,
});

/** The validator of a Frontdoor with Intune settings, or null without them. */
export async function intuneFor(frontdoorId: string): Promise<IntuneValidator | null> {
  const credentials = await intuneCredentials(frontdoorId);
  if (!credentials) return null;
  const connection: IntuneConnection = { loginUrl: env.INTUNE_LOGIN_URL, graphUrl: env.INTUNE_GRAPH_URL, ...credentials };
  return {
    validate: (request) => postScepAction(connection, "validateRequest", { request: common(request) }),
    succeeded: (issued) =>
      postScepAction(connection, "successNotification", {
        notification: {
          ...common(issued),
          certificateThumbprint: issued.certificateThumbprint,
          certificateSerialNumber: issued.certificateSerialNumber,
          certificateExpirationDateUtc: issued.certificateExpirationDateUtc.toISOString(),
          issuingCertificateAuthority: issued.issuingCertificateAuthority,
          caConfiguration: issued.caConfiguration,
          certificateAuthority: issued.certificateAuthority,
        },
      }),
    failed: (failure) =>
      postScepAction(connection, "failureNotification", {
        // Microsoft's contract: a 32-bit HRESULT and at most 255 characters of description.
        notification: { ...common(failure), hResult: failure.hResult >>> 0, errorDescription: failure.errorDescription.slice(0, 255) },
      }),
  };
}
