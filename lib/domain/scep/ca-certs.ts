import { frontdoorCas } from "@/lib/domain/ca/trust";
import { currentRa } from "@/lib/domain/scep/ra";
import { fromPem } from "@/lib/pki/pem";
import { certsOnlyPkcs7 } from "@/lib/pki/pkcs7";

// GetCACaps and GetCACert (RFC 8894 §3.5, §4.2). What the capabilities promise is what the
// PKIOperation reader accepts: POST, SHA-256 and SHA-1 signatures (old clients sign with
// SHA-1), AES and 3DES envelopes (DES is read too, never offered), RenewalReq.

export const SCEP_CAPABILITIES = ["POSTPKIOperation", "SHA-256", "SHA-1", "AES", "DES3", "Renewal", "SCEPStandard"] as const;

/** The capabilities, one a line; frontdoor_not_found for an unknown Frontdoor. */
export async function scepCapabilities(frontdoorId: string): Promise<string> {
  await frontdoorCas(frontdoorId);
  return `${SCEP_CAPABILITIES.join("\n")}\n`;
}

/**
 * GetCACert's certs-only PKCS#7: the RA certificate FIRST (clients encrypt to it, and some
 * take the first certificate as the one to use), then the issuing CA and its root.
 */
export async function scepCaCertificates(frontdoorId: string): Promise<Uint8Array> {
  const ra = await currentRa(frontdoorId);
  return certsOnlyPkcs7([ra.certificateDer, ...ra.caChainPem.map((pem) => fromPem(pem, ["CERTIFICATE"])!)]);
}
