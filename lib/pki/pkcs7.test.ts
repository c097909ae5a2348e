import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openssl, tempDir } from "@/lib/testing/openssl";
import { fromPem } from "@/lib/pki/pem";
import { certsOnlyPkcs7 } from "@/lib/pki/pkcs7";

// OpenSSL's own certs-only PKCS#7 (`openssl crl2pkcs7 -nocrl`) is the reference: ours must
// be the same bytes, whatever the certificates' order.

function selfSigned(dir: string, name: string, key: string[]): string {
  const file = path.join(dir, `${name}.pem`);
  openssl(["req", "-x509", ...key, "-nodes", "-keyout", path.join(dir, `${name}.key`), "-out", file, "-subj", `/CN=${name}`, "-days", "1"]);
  return readFileSync(file, "utf8");
}

describe("certsOnlyPkcs7", () => {
  it("is byte for byte what openssl crl2pkcs7 -nocrl writes, keeping the order", () => {
    const dir = tempDir();
    const ec = selfSigned(dir, "ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    const rsa = selfSigned(dir, "rsa", ["-newkey", "rsa:2048"]);
    for (const chain of [[ec, rsa], [rsa, ec], [ec]]) {
      const file = path.join(dir, "chain.pem");
      writeFileSync(file, chain.join(""));
      const reference = execFileSync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", file, "-outform", "DER"]);
      expect(Buffer.from(certsOnlyPkcs7(chain.map((pem) => fromPem(pem, ["CERTIFICATE"])!))).toString("hex")).toBe(reference.toString("hex"));
    }
  });
});
