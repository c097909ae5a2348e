import forge from "node-forge";

// PKCS#12 (PFX) files for EC and RSA keys, built by hand on node-forge's ASN.1 and
// password-based encryption: forge's own PKCS#12 writer only takes RSA keys and forge
// certificates, and forge cannot parse EC certificates. No Node-only imports: the
// redemption page builds the same file in the browser.
//
// Modes:
// - modern:     key in PBES2 (PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC),
//               HMAC-SHA-256 integrity with 600,000 iterations. The MAC checks the same
//               password as the key, so a cheap MAC would be the brute-forcer's shortcut.
// - compatible: key in pbeWithSHAAnd3-KeyTripleDES-CBC (50,000 iterations), HMAC-SHA-1
//               integrity (100,000 iterations): the algorithms and counts keytool wrote by
//               default from JDK 12 to 17, files that macOS Keychain and Windows import.
// PBKDF2 runs on WebCrypto (native in browsers and Node); the PKCS#12 KDF, which WebCrypto
// lacks, on forge. Certificate bags are not encrypted: they are public, and every reader
// accepts that.

export type Pkcs12Mode = "modern" | "compatible";

const { asn1 } = forge;
const OID = {
  data: "1.2.840.113549.1.7.1",
  certBag: "1.2.840.113549.1.12.10.1.3",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSha256: "1.2.840.113549.2.9",
  aes256Cbc: "2.16.840.1.101.3.4.1.42",
};

export const ITERATIONS = {
  modern: { key: 600_000, mac: 600_000 },
  compatible: { key: 50_000, mac: 100_000 },
} as const;
/** 8 bytes, as OpenSSL writes: macOS refuses a PKCS#12 whose MAC salt is 16 bytes. */
const MAC_SALT_BYTES = 8;

const bytes = (data: Uint8Array) => forge.util.binary.raw.encode(data);
const oid = (value: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const octets = (value: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, value);
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const explicit0 = (item: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
const integer = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const der = (item: forge.asn1.Asn1) => asn1.toDer(item).getBytes();

/** forge encodes a BMPString's JavaScript string as UCS-2 itself. */
const bmpString = (text: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, text);

function bagAttributes(localKeyId: string, friendlyName?: string) {
  const attributes = [seq([oid(OID.localKeyId), set([octets(localKeyId)])])];
  if (friendlyName) attributes.unshift(seq([oid(OID.friendlyName), set([bmpString(friendlyName)])]));
  return set(attributes);
}

function dataContentInfo(safeContents: forge.asn1.Asn1) {
  return seq([oid(OID.data), explicit0(octets(der(safeContents)))]);
}

const NULL = () => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "");

/** PBES2 (RFC 8018): PBKDF2-HMAC-SHA256 and AES-256-CBC, both on WebCrypto. */
async function pbes2Encrypt(pkcs8Der: Uint8Array, password: string): Promise<forge.asn1.Asn1> {
  const subtle = globalThis.crypto.subtle;
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iterations = ITERATIONS.modern.key;
  const passwordKey = await subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"]);
  const aesKey = await subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, passwordKey, { name: "AES-CBC", length: 256 }, false, ["encrypt"]);
  const encrypted = new Uint8Array(await subtle.encrypt({ name: "AES-CBC", iv }, aesKey, new Uint8Array(pkcs8Der)));
  const pbkdf2Params = seq([octets(bytes(salt)), integer(iterations), seq([oid(OID.hmacWithSha256), NULL()])]);
  const algorithm = seq([oid(OID.pbes2), seq([seq([oid(OID.pbkdf2), pbkdf2Params]), seq([oid(OID.aes256Cbc), octets(bytes(iv))])])]);
  return seq([algorithm, octets(bytes(encrypted))]);
}

/** The private key, PKCS#8 DER, encrypted for a key file or a key bag. */
export async function encryptPkcs8(pkcs8Der: Uint8Array, password: string, mode: Pkcs12Mode): Promise<forge.asn1.Asn1> {
  if (mode === "modern") return pbes2Encrypt(pkcs8Der, password);
  const privateKeyInfo = asn1.fromDer(forge.util.createBuffer(bytes(pkcs8Der)));
  return forge.pki.encryptPrivateKeyInfo(privateKeyInfo, password, { algorithm: "3des", count: ITERATIONS.compatible.key, saltSize: 8 });
}

/** key.pem protected by a passphrase: PKCS#8 EncryptedPrivateKeyInfo (PBES2, AES-256). */
export async function encryptedPrivateKeyPem(pkcs8Der: Uint8Array, passphrase: string): Promise<string> {
  return forge.pki.encryptedPrivateKeyToPem(await encryptPkcs8(pkcs8Der, passphrase, "modern"));
}

export async function buildPkcs12(options: {
  pkcs8Der: Uint8Array;
  /** Leaf first, then the chain. */
  certificatesDer: Uint8Array[];
  password: string;
  mode: Pkcs12Mode;
  friendlyName?: string;
}): Promise<Uint8Array> {
  const [leaf, ...chain] = options.certificatesDer;
  if (!leaf) throw new Error("buildPkcs12 needs at least the leaf certificate");
  const hash = options.mode === "modern" ? forge.md.sha256 : forge.md.sha1;
  const localKeyId = hash.create().update(bytes(leaf)).digest().getBytes();

  const certBag = (certificate: Uint8Array, attributes?: forge.asn1.Asn1) =>
    seq([oid(OID.certBag), explicit0(seq([oid(OID.x509Certificate), explicit0(octets(bytes(certificate)))])), ...(attributes ? [attributes] : [])]);
  const certificates = seq([certBag(leaf, bagAttributes(localKeyId, options.friendlyName)), ...chain.map((c) => certBag(c))]);
  const keyBag = seq([
    oid(OID.shroudedKeyBag),
    explicit0(await encryptPkcs8(options.pkcs8Der, options.password, options.mode)),
    bagAttributes(localKeyId, options.friendlyName),
  ]);
  const authenticatedSafe = der(seq([dataContentInfo(certificates), dataContentInfo(seq([keyBag]))]));

  // Integrity: HMAC over the AuthenticatedSafe, keyed by the PKCS#12 KDF (ID 3).
  const macIterations = ITERATIONS[options.mode].mac;
  const macSalt = forge.random.getBytesSync(MAC_SALT_BYTES);
  const digestLength = options.mode === "modern" ? 32 : 20;
  const macKey = forge.pkcs12.generateKey(options.password, forge.util.createBuffer(macSalt), 3, macIterations, digestLength, hash.create());
  const hmac = forge.hmac.create();
  hmac.start(options.mode === "modern" ? "sha256" : "sha1", macKey);
  hmac.update(authenticatedSafe);
  const macData = seq([
    seq([seq([oid(options.mode === "modern" ? OID.sha256 : OID.sha1), NULL()]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    integer(macIterations),
  ]);

  const pfx = seq([integer(3), seq([oid(OID.data), explicit0(octets(authenticatedSafe))]), macData]);
  return forge.util.binary.raw.decode(der(pfx));
}
