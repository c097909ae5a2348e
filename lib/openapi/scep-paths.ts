import { textFailures } from "@/lib/openapi/est-paths";
import { frontdoorId, type Json } from "@/lib/openapi/helpers";

// SCEP (RFC 8894) in the OpenAPI document: one door, `operation=` picks what it does. Its
// bodies are DER (CMS), its refusals of a SCEP message signed CertReps, so only a body that is
// not one, an unknown operation or an unknown Frontdoor is an HTTP error (plain text).

const operation: Json = {
  name: "operation",
  in: "query",
  required: true,
  schema: { type: "string", enum: ["GetCACaps", "GetCACert", "PKIOperation"] },
};
const message: Json = { name: "message", in: "query", required: false, description: "PKIOperation by GET: the pkiMessage, base64 (standard or URL-safe).", schema: { type: "string" } };
const der = (mediaType: string, description: string) => ({ [mediaType]: { schema: { type: "string", format: "binary", description } } });

const responses: Json = {
  "200": {
    description:
      "GetCACaps: the capabilities, one a line (text/plain). GetCACert: the RA certificate first, then the issuing CA and its root (certs-only PKCS#7). PKIOperation: a CertRep signed by the RA, SUCCESS with the certificate first, or FAILURE with failInfo badRequest, badMessageCheck or badAlg; never PENDING.",
    content: {
      "text/plain": { schema: { type: "string", example: "POSTPKIOperation\nSHA-256\nSHA-1\nAES\nDES3\nRenewal\nSCEPStandard\n" } },
      ...der("application/x-x509-ca-ra-cert", "certs-only PKCS#7, DER"),
      ...der("application/x-pki-message", "CertRep, DER"),
    },
  },
  ...textFailures(400, 404, 413),
};

const door = (operationId: string, summary: string): Json => ({
  parameters: [frontdoorId, operation, message],
  get: { tags: ["Redemption"], operationId: `${operationId}Get`, summary, responses },
  post: {
    tags: ["Redemption"],
    operationId: `${operationId}Post`,
    summary,
    description:
      "PKIOperation: PKCSReq (its challengePassword is a certificate request token of this Frontdoor: enrolling is redeeming, audited with details.channel scep) or RenewalReq (signed with a current certificate of this Frontdoor and its key). Any content type.",
    requestBody: { required: false, content: der("application/octet-stream", "pkiMessage: CMS SignedData, DER") },
    responses,
  },
});

export const scepPaths = {
  "/scep/{frontdoorId}": door("scep", "SCEP (RFC 8894): GetCACaps, GetCACert, PKIOperation"),
  "/scep/{frontdoorId}/pkiclient.exe": door("scepPkiclient", "SCEP at NDES's path: the same door"),
};
