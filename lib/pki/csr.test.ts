import { readFileSync } from "node:fs";
import path from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { describe, expect, it, vi } from "vitest";
import { checkCsr, subjectFor } from "@/lib/pki/csr";
import { ecCsrWithSubject, keylessRsaCsr } from "@/lib/testing/forged-csr";
import { openssl, opensslCsr, publicKeyOfCsr, tempDir } from "@/lib/testing/openssl";

const codeOf = (run: () => unknown) => {
  try {
    run();
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe("RSA public exponents", () => {
  it("refuses a 2048-bit key with e = 1, whose CSR was made without any private key", () => {
    expect(codeOf(() => checkCsr(keylessRsaCsr()))).toBe("unsupported_key");
  });

  it("refuses e = 3 from a real openssl key and request, and names the exponent", () => {
    const dir = tempDir();
    const key = path.join(dir, "key.pem");
    openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:3", "-out", key]);
    const csr = openssl(["req", "-new", "-key", key, "-subj", "/CN=small-exponent"]);
    expect(() => checkCsr(csr)).toThrow(/exponent 3 is not accepted/);
    expect(codeOf(() => checkCsr(csr))).toBe("unsupported_key");
    expect(readFileSync(key, "utf8")).toContain("PRIVATE KEY");
  });

  it("accepts openssl's default 65537", () => {
    const dir = tempDir();
    const key = path.join(dir, "key.pem");
    openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key]);
    expect(checkCsr(openssl(["req", "-new", "-key", key, "-subj", "/CN=ok"])).keyAlgorithm).toBe("RSA-2048");
  });
});

describe("subject fields taken from the request", () => {
  const CN = "2.5.4.3";
  const O = "2.5.4.10";
  const OU = "2.5.4.11";
  const blank = { commonName: null, organization: null, organizationalUnit: null };

  it("refuses 50 KB, a NUL byte or a newline in a field the token leaves blank, naming the field", () => {
    for (const [subject, message] of [
      [[[CN, "x".repeat(50_000)]], /common name \(CN\) has 50000 characters/],
      [[[CN, "ok"], [O, "evil\u0000corp"]], /organization \(O\) contains control characters/],
      [[[CN, "ok"], [OU, "line\nbreak"]], /organizational unit \(OU\) contains control characters/],
    ] as const) {
      const csr = checkCsr(ecCsrWithSubject(subject as unknown as [string, string][]));
      expect(() => subjectFor(blank, csr.subject)).toThrow(message);
      expect(codeOf(() => subjectFor(blank, csr.subject))).toBe("invalid_csr");
    }
  });

  it("ignores the request's value where the token sets the field, and takes 64 characters", () => {
    const csr = checkCsr(ecCsrWithSubject([[CN, "y".repeat(64)], [O, "x".repeat(500)]]));
    expect(subjectFor({ ...blank, organization: "Token Org" }, csr.subject)).toEqual({ commonName: "y".repeat(64), organization: "Token Org", organizationalUnit: null });
    expect(codeOf(() => subjectFor(blank, checkCsr(ecCsrWithSubject([[CN, "y".repeat(65)]])).subject))).toBe("invalid_csr");
  });
});

describe("the request's public key", () => {
  const spkiOf = (csrPem: string) => Buffer.from(publicKeyOfCsr(csrPem).replace(/-----[^-]+-----|\s/g, ""), "base64");

  it("reads EC P-256 and P-384 keys (imported from their coordinates) into the SubjectPublicKeyInfo openssl reads", () => {
    for (const [spec, algorithm] of [["ec-p256", "EC-P256"], ["ec-p384", "EC-P384"]] as const) {
      const { csrPem } = opensslCsr(spec);
      const checked = checkCsr(csrPem);
      expect(checked.keyAlgorithm).toBe(algorithm);
      expect(Buffer.from(checked.spkiDer).equals(spkiOf(csrPem))).toBe(true);
    }
  });

  it("names the curve of a key given with explicit parameters, which a certificate must not carry (RFC 5480)", () => {
    const dir = tempDir();
    for (const [curve, algorithm] of [["prime256v1", "EC-P256"], ["secp384r1", "EC-P384"]] as const) {
      openssl(["ecparam", "-name", curve, "-param_enc", "explicit", "-genkey", "-noout", "-out", path.join(dir, "explicit.pem")]);
      const csrPem = openssl(["req", "-new", "-key", path.join(dir, "explicit.pem"), "-subj", "/CN=explicit"]);
      expect(spkiOf(csrPem).length).toBeGreaterThan(300); // the request carries the curve's parameters
      const checked = checkCsr(csrPem);
      expect(checked.keyAlgorithm).toBe(algorithm);
      // The same key with its curve named: what `openssl pkey -param_enc named_curve` writes.
      const named = openssl(["pkey", "-in", path.join(dir, "explicit.pem"), "-pubout", "-ec_param_enc", "named_curve"]);
      expect(Buffer.from(checked.spkiDer).equals(Buffer.from(named.replace(/-----[^-]+-----|\s/g, ""), "base64"))).toBe(true);
    }
  });

  it("still reads a compressed point and RSA keys the way OpenSSL decodes them", () => {
    const dir = tempDir();
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path.join(dir, "key.pem")]);
    openssl(["ec", "-in", path.join(dir, "key.pem"), "-conv_form", "compressed", "-out", path.join(dir, "compressed.pem")]);
    const compressed = openssl(["req", "-new", "-key", path.join(dir, "compressed.pem"), "-subj", "/CN=compressed"]);
    expect(spkiOf(compressed).length).toBe(26 + 33);
    expect(checkCsr(compressed).keyAlgorithm).toBe("EC-P256");
    expect(Buffer.from(checkCsr(compressed).spkiDer).equals(spkiOf(compressed))).toBe(true);
    expect(checkCsr(opensslCsr("rsa-2048").csrPem).keyAlgorithm).toBe("RSA-2048");
  });

  // A request whose point is replaced: the signature cannot verify, so a key that were read would give csr_signature_invalid.
  const withPoint = (spec: "ec-p256" | "ec-p384", change: (x: Buffer, y: Buffer) => void) => {
    const { csrPem } = opensslCsr(spec);
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const spki = spkiOf(csrPem);
    const size = spec === "ec-p256" ? 32 : 48;
    const point = der.indexOf(spki.subarray(spki.length - 1 - 2 * size)); // the uncompressed point inside the request
    expect(point).toBeGreaterThan(0);
    change(der.subarray(point + 1, point + 1 + size), der.subarray(point + 1 + size, point + 1 + 2 * size));
    return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  };
  const FIELD_PRIME = {
    "ec-p256": "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    "ec-p384": "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
  } as const;

  it.each(["ec-p256", "ec-p384"] as const)("%s: refuses a point off the curve, or a coordinate of p or more, as an unreadable key before any signature check", (spec) => {
    expect(codeOf(() => checkCsr(withPoint(spec, (_x, y) => (y[y.length - 1] = y[y.length - 1]! ^ 0x01))))).toBe("unsupported_key");
    expect(codeOf(() => checkCsr(withPoint(spec, (x) => Buffer.from(FIELD_PRIME[spec], "hex").copy(x))))).toBe("unsupported_key");
    expect(codeOf(() => checkCsr(withPoint(spec, (x) => x.fill(0xff))))).toBe("unsupported_key");
    expect(codeOf(() => checkCsr(withPoint(spec, (x, y) => (x.fill(0), y.fill(0)))))).toBe("unsupported_key");
  });

  it("refuses key parameters of more than 1 KiB without reading what they embed", () => {
    // An ecPublicKey whose parameters are an OCTET STRING holding a 40,000-byte BOOLEAN (53 KB as PEM, under the body limit).
    const len = (n: number) => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]));
    const tlv = (tag: number, ...parts: Buffer[]) => Buffer.concat([Buffer.from([tag]), len(Buffer.concat(parts).length), ...parts]);
    const hex = (text: string) => Buffer.from(text, "hex");
    const spki = tlv(0x30, tlv(0x30, hex("06072a8648ce3d0201"), tlv(0x04, tlv(0x01, Buffer.alloc(40_000, 0xff)))), tlv(0x03, hex("00"), Buffer.alloc(65, 4)));
    const der = tlv(0x30, tlv(0x30, hex("020100"), tlv(0x30), spki, hex("a000")), tlv(0x30, hex("06082a8648ce3d040302")), tlv(0x03, hex("00"), Buffer.alloc(70, 1)));
    // Re-serializing them (asn1js re-reads embedded content without guards) cost half a second; they are refused before.
    const serialize = vi.spyOn(AsnConvert, "serialize");
    try {
      expect(codeOf(() => checkCsr(`-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`))).toBe("unsupported_key");
      expect(serialize).not.toHaveBeenCalled();
    } finally {
      serialize.mockRestore();
    }
  });
});
