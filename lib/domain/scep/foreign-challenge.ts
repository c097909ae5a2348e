import type { RequestContext } from "@/lib/domain/access/principal";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { enrollWithIntune } from "@/lib/domain/scep/intune/enroll";

// The seam for a SCEP challenge that is not a Certdoor token: an MDM's own one-time password.
// Microsoft Intune's is validated with Intune's SCEP validation service (the whole CSR, its
// challengePassword inside) and issued through the same pipeline (scep/intune/enroll.ts),
// which audits its refusals and tells Intune how it went. A Frontdoor without Intune settings
// answers what such a challenge is to Certdoor: an unknown token (FAILURE badRequest).

export type ForeignChallenge = { frontdoorId: string; transactionId: string; csrDer: Uint8Array; context: RequestContext };

/** Enrolls with a challenge that is not a certificate request token (Intune's, when the Frontdoor has Intune settings). */
export function enrollWithForeignChallenge(input: ForeignChallenge): Promise<CertificateView> {
  return enrollWithIntune(input);
}
