import "reflect-metadata";
import { createPrivateKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { getDb } from "@/lib/db";
import { issuerById } from "@/lib/domain/ca/store";
import { currentCa, frontdoorCas } from "@/lib/domain/ca/trust";
import { open, seal } from "@/lib/domain/keys";
import { issueClientCertificate } from "@/lib/pki/issue";
import { subjectKeyIdentifierOf } from "@/lib/pki/issuer";
import { fromPem, splitPemChain } from "@/lib/pki/pem";

// A Frontdoor's SCEP RA (RFC 8894 §2.1): the RSA certificate clients encrypt their requests
// to and whose key signs every CertRep. SCEP clients need RSA here (key transport), while
// Certdoor's CAs are ECDSA, so the RA is a certificate of its own, signed by the issuing CA
// through the same signing path as every certificate (issuerById + issueClientCertificate).
// One per issuing CA, made on first need: a CA rotation brings a new RA with the new CA.
// Two instances making it at once both INSERT … ON CONFLICT DO NOTHING and then read the one
// row that won, so every instance answers GetCACert with the same certificate.

const generateRsa = promisify(generateKeyPair);
/** Microsoft's "Certificate Request Agent" (NDES's RA usage): not clientAuth, so a gateway that trusts ca.pem never admits the RA's certificate as a client. */
const CERTIFICATE_REQUEST_AGENT = "1.3.6.1.4.1.311.20.2.1";
const boundTo = (caId: string) => `scep-ra:${caId}`;

export type ScepRa = {
  caId: string;
  certificateDer: Uint8Array;
  certificate: Certificate;
  keyIdentifier: ArrayBuffer;
  privateKey: KeyObject;
  /** The issuing CA, then its root (PEM blocks), for GetCACert after the RA. */
  caChainPem: string[];
};

// Keyed by CA id: an RA row never changes once stored, so entries never go stale (a few per Frontdoor).
const ras = new Map<string, Promise<ScepRa>>();

async function makeRa(caId: string): Promise<void> {
  const issuer = await issuerById(caId);
  const { publicKey, privateKey } = await generateRsa("rsa", { modulusLength: 2048 });
  // The life is clamped to the issuing CA's (issueClientCertificate): the RA ends with its CA.
  const issued = await issueClientCertificate({
    issuer,
    spkiDer: new Uint8Array(publicKey.export({ format: "der", type: "spki" })),
    isRsa: true, // digitalSignature + keyEncipherment
    subject: { commonName: "Certdoor SCEP RA", organization: null, organizationalUnit: null },
    validDays: 36_500,
    extendedKeyUsage: [CERTIFICATE_REQUEST_AGENT],
  });
  const sealed = seal(privateKey.export({ format: "der", type: "pkcs8" }), boundTo(caId));
  await getDb().$executeRaw`
    INSERT INTO "ScepRaCertificate" ("caId", "certificatePem", "encryptedPrivateKey") VALUES (${caId}::uuid, ${issued.pem}, ${sealed})
    ON CONFLICT ("caId") DO NOTHING`;
}

async function loadRa(caId: string): Promise<ScepRa> {
  const read = () => getDb().scepRaCertificate.findUnique({ where: { caId }, select: { certificatePem: true, encryptedPrivateKey: true } });
  let row = await read();
  if (!row) {
    await makeRa(caId);
    row = await read();
  }
  if (!row) throw new Error(`The SCEP RA of CA ${caId} could not be stored.`);
  const certificateDer = fromPem(row.certificatePem, ["CERTIFICATE"])!;
  const certificate = AsnConvert.parse(certificateDer, Certificate);
  return {
    caId,
    certificateDer,
    certificate,
    keyIdentifier: subjectKeyIdentifierOf(certificate),
    privateKey: createPrivateKey({ key: open(row.encryptedPrivateKey, boundTo(caId)), format: "der", type: "pkcs8" }),
    caChainPem: splitPemChain((await issuerById(caId)).chainPem),
  };
}

/** The RA of a Frontdoor's current issuing CA, made when it has none yet; frontdoor_not_found for an unknown Frontdoor. */
export async function currentRa(frontdoorId: string): Promise<ScepRa> {
  const caId = currentCa(await frontdoorCas(frontdoorId)).id;
  let ra = ras.get(caId);
  if (!ra) {
    ra = loadRa(caId);
    ras.set(caId, ra);
    ra.catch(() => ras.delete(caId));
  }
  return ra;
}
