import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// OpenSSL as the independent judge of what Certdoor produces, and as the tool systems use
// to make their keys and requests.

export const KEY_SPECS = {
  "ec-p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ec-p384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "rsa-2048": ["-newkey", "rsa:2048"],
  "rsa-3072": ["-newkey", "rsa:3072"],
  "rsa-1024": ["-newkey", "rsa:1024"],
  ed25519: ["-newkey", "ed25519"],
} as const;

export function tempDir(prefix = "certdoor-pki-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function openssl(args: string[], options: { input?: string } = {}): string {
  return execFileSync("openssl", args, { encoding: "utf8", input: options.input, stdio: ["pipe", "pipe", "pipe"] });
}

/** A key and CSR made with `openssl req`, as a system would. */
export function opensslCsr(spec: keyof typeof KEY_SPECS, subject = "/CN=from-the-csr", extra: string[] = []) {
  const dir = tempDir();
  const keyFile = path.join(dir, "key.pem");
  const csrFile = path.join(dir, "req.csr");
  openssl(["req", "-new", ...KEY_SPECS[spec], "-nodes", "-keyout", keyFile, "-out", csrFile, "-subj", subject, ...extra]);
  return { dir, keyFile, csrFile, csrPem: readFileSync(csrFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
}

/** `openssl verify -purpose sslclient` of a leaf against root + intermediate; returns the output or throws. */
export function verifyClientCertificate(leafPem: string, chainPem: string): string {
  const dir = tempDir();
  const [intermediate, root] = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
  writeFileSync(path.join(dir, "leaf.pem"), leafPem);
  writeFileSync(path.join(dir, "root.pem"), root ?? "");
  writeFileSync(path.join(dir, "intermediate.pem"), intermediate ?? "");
  return openssl(["verify", "-CAfile", path.join(dir, "root.pem"), "-untrusted", path.join(dir, "intermediate.pem"), "-purpose", "sslclient", path.join(dir, "leaf.pem")]);
}

export function certificateText(pem: string): string {
  return openssl(["x509", "-noout", "-text", "-nameopt", "RFC2253"], { input: pem });
}

export function publicKeyOfCertificate(pem: string): string {
  return openssl(["x509", "-noout", "-pubkey"], { input: pem });
}

export function publicKeyOfCsr(pem: string): string {
  return openssl(["req", "-noout", "-pubkey"], { input: pem });
}

/** The certificate's SubjectAltName as `openssl x509 -ext subjectAltName` prints it, on one line; "" when it has none. */
export function subjectAltNameText(pem: string): string {
  return openssl(["x509", "-noout", "-ext", "subjectAltName"], { input: pem }).split("\n").slice(1).join(" ").trim();
}
