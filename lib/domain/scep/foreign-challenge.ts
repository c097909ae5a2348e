import type { RequestContext } from "@/lib/domain/access/principal";
import type { CertificateView } from "@/lib/domain/certificates/view";
import { AppError } from "@/lib/domain/errors";

// The seam for a SCEP challenge that is not a Certdoor token: an MDM's own one-time password
// (Microsoft Intune's, validated with Intune's SCEP validation service) plugs in here, and
// issues through the same pipeline. Until such a validator is configured, it is what it
// looks like to Certdoor: an unknown token, answered FAILURE badRequest and audited.

export type ForeignChallenge = { frontdoorId: string; challenge: string; csrPem: string; context: RequestContext };

/** Enrolls with a challenge that is not a certificate request token; today every one is refused as unknown. */
export async function enrollWithForeignChallenge(input: ForeignChallenge): Promise<CertificateView> {
  void input;
  throw new AppError("token_not_found", "The SCEP challenge is not a certificate request token of this Frontdoor.");
}
