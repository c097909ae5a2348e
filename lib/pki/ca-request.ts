import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Attributes, CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { AlgorithmIdentifier, Attribute, Extension, Extensions, Name, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";
import { toPem } from "@/lib/pki/pem";
import type { Signer } from "@/lib/pki/signer";

// The PKCS#10 request for an issuing CA an enterprise root is to sign (`certdoor ca csr`).
// Built from the ASN.1 here and signed through a Signer, so the key can live wherever the
// CA keys live (lib/domain/ca/key-store: sealed in the database, or in a PKCS#11 token):
// only the signature over the request info is asked of it. The key is ECDSA P-256 like
// every Certdoor CA key.

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const MAX_VALUE_LENGTH = 64;

const NOT_A_NAME = "Not a distinguished name: write it as C=DE, O=Example Corp, CN=Edge issuing CA (or /C=DE/O=Example Corp/CN=Edge issuing CA).";

/**
 * A distinguished name as written in `--subject`, in the order it is to have in the
 * certificate as Certdoor prints subjects ("C=DE, O=Example Corp, CN=Edge issuing CA"; the
 * `openssl req -subj` form "/C=DE/O=…/CN=…" too), or the reason it cannot be one: it needs a
 * CN, values of at most 64 characters (RFC 5280's upper bounds for the common attributes)
 * and no control characters.
 */
export function parseCaSubject(text: string): { name: x509.Name } | { problem: string } {
  // openssl's form: RDNs separated by unescaped slashes.
  const written = text.startsWith("/") ? text.slice(1).split(/(?<!\\)\//).map((rdn) => rdn.replaceAll("\\/", "/").replaceAll(",", "\\,")).join(", ") : text;
  let name: x509.Name;
  try {
    name = new x509.Name(written);
  } catch {
    return { problem: NOT_A_NAME };
  }
  const values = name.toJSON().flatMap((rdn) => Object.entries(rdn).flatMap(([type, list]) => list.map((value) => ({ type, value }))));
  if (values.length === 0 || values.some((v) => !/^[A-Za-z][\w-]*$|^\d+(\.\d+)+$/.test(v.type))) return { problem: NOT_A_NAME };
  if (!values.some((v) => v.type === "CN" && v.value.trim() !== "")) return { problem: "The subject needs a CN (common name)." };
  const long = values.find((v) => v.value.length > MAX_VALUE_LENGTH);
  if (long) return { problem: `${long.type} is longer than ${MAX_VALUE_LENGTH} characters.` };
  if (values.some((v) => /[\u0000-\u001f\u007f]/.test(v.value))) return { problem: "The subject holds a control character." };
  return { name };
}

const asExtension = (extension: x509.Extension) => AsnConvert.parse(extension.rawData, Extension);

/**
 * The request: the subject, the key, and the extensions an issuing CA of Certdoor's needs
 * (CA:TRUE with pathlen 0, since it signs only client certificates; keyCertSign and cRLSign,
 * since it signs its own CRLs and OCSP answers). The enterprise CA may override them; `ca
 * import` checks what it actually signed.
 */
export async function buildCaRequest(subject: x509.Name, publicKeySpki: Uint8Array, signer: Signer): Promise<string> {
  const publicKey = new x509.PublicKey(new Uint8Array(publicKeySpki));
  const extensions = new Extensions([
    asExtension(new x509.BasicConstraintsExtension(true, 0, true)),
    asExtension(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)),
    asExtension(await x509.SubjectKeyIdentifierExtension.create(publicKey)),
  ]);
  const info = new CertificationRequestInfo({
    subject: AsnConvert.parse(subject.toArrayBuffer(), Name),
    subjectPKInfo: AsnConvert.parse(publicKeySpki, SubjectPublicKeyInfo),
    attributes: new Attributes([new Attribute({ type: EXTENSION_REQUEST, values: [AsnConvert.serialize(extensions)] })]),
  });
  const signature = await signer.sign(new Uint8Array(AsnConvert.serialize(info)));
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer as ArrayBuffer,
  });
  return toPem(AsnConvert.serialize(request), "CERTIFICATE REQUEST");
}
