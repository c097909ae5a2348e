import { constants, createHash, createHmac, type KeyObject, privateDecrypt } from "node:crypto";

// The RSA key transport of a SCEP envelope is PKCS#1 v1.5 (every client sends it). Node
// refuses PKCS#1 v1.5 private decryption since its February 2024 security releases
// (CVE-2023-46809, the Marvin attack: the time a server takes to reject bad padding leaks
// enough to decrypt, or sign, with its key); `--security-revert` would turn that protection
// off for the whole process. Instead the content key is unwrapped here with OpenSSL's raw RSA
// (RSA_NO_PADDING: blinded, as every private operation) and the padding is checked without
// branches on secret data, with implicit rejection (as OpenSSL 3.2 and
// draft-irtf-cfrg-rsa-guidance do): bad padding, or a key of the wrong length, yields a
// deterministic pseudo-random key derived from the private key and the ciphertext, so the
// request fails later, at the content decryption, exactly as one with a wrong key does.
// Every outcome of a bad ciphertext is then the same: a signed FAILURE badMessageCheck.
// Remaining risk: JavaScript gives no constant-time guarantee (the JIT could add a branch
// where the source has none), so a few nanoseconds of difference may remain; they are drowned
// in the content decryption, the database round trips and the network, and the key at stake
// is one Frontdoor's RA key (rotated with its CA), which signs nothing but CertRep messages.

const SYNTHETIC_LABEL = Buffer.from("certdoor scep implicit rejection v1", "utf8");
// One entry per RA key this process opened (a few per Frontdoor).
const derivationKeys = new WeakMap<KeyObject, Buffer>();

/** The secret behind the synthetic keys: a hash of the private key, never stored. */
function derivationKeyOf(privateKey: KeyObject): Buffer {
  let key = derivationKeys.get(privateKey);
  if (!key) {
    key = createHash("sha256").update(privateKey.export({ format: "der", type: "pkcs8" })).digest();
    derivationKeys.set(privateKey, key);
  }
  return key;
}

/** The key a ciphertext "decrypts" to when its padding is wrong: the same for the same ciphertext, unpredictable without the private key. */
function syntheticKey(privateKey: KeyObject, ciphertext: Uint8Array, length: number): Buffer {
  const perMessage = createHmac("sha256", derivationKeyOf(privateKey)).update(ciphertext).digest();
  return createHmac("sha256", perMessage).update(SYNTHETIC_LABEL).update(Buffer.from([length])).digest().subarray(0, length);
}

/** 1 when the byte is zero, else 0, without a branch. */
const isZero = (byte: number) => ((byte - 1) >>> 31) & 1;

/**
 * The content key of `length` bytes wrapped in `ciphertext` (RSAES-PKCS1-v1_5), or a
 * synthetic key of that length when the padding is wrong. Never throws on bad input.
 */
export function unwrapContentKey(privateKey: KeyObject, ciphertext: Uint8Array, length: number): Buffer {
  const synthetic = syntheticKey(privateKey, ciphertext, length);
  const modulusBytes = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const separator = modulusBytes - length - 1;
  // These depend only on public values (the ciphertext's length, the key size): branching is fine.
  if (ciphertext.length !== modulusBytes || separator < 10 || length > 32) return synthetic;
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return synthetic; // a ciphertext not below the modulus: public too
  }
  // 00 02 <at least 8 non-zero bytes> 00 <key>: bad stays 0 only when all of it holds.
  let bad = em[0]! | (em[1]! ^ 0x02) | em[separator]!;
  for (let i = 2; i < separator; i++) bad |= isZero(em[i]!);
  const keep = (isZero(bad) * 0xff) & 0xff;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (em[separator + 1 + i]! & keep) | (synthetic[i]! & ~keep & 0xff);
  em.fill(0);
  return out;
}
