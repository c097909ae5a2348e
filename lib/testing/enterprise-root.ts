import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KEY_SPECS, openssl, tempDir } from "@/lib/testing/openssl";

// An enterprise PKI made with openssl, as an operator's offline root or ADCS would be: a
// self-signed root, optionally an intermediate, and the step that signs Certdoor's issuing
// CA request. Tests, the CLI's and the browser's, judge `ca import` against it.

export type EnterpriseCa = { name: string; certFile: string; keyFile: string; pem: string };

/** The extensions the README tells an enterprise CA to put in a Certdoor issuing CA. */
export const ISSUING_CA_EXTENSIONS = [
  "basicConstraints=critical,CA:true,pathlen:0",
  "keyUsage=critical,keyCertSign,cRLSign",
  "subjectKeyIdentifier=hash",
  "authorityKeyIdentifier=keyid",
];

export function enterprisePki(dir = tempDir("certdoor-enterprise-")) {
  const file = (name: string) => path.join(dir, name);
  let serial = 1000;

  /** `openssl x509 -req`: signs a request with `issuer`, adding exactly `extensions`. */
  function sign(csrFile: string, issuer: EnterpriseCa, name: string, extensions: string[], days = 30): string {
    writeFileSync(file(`${name}.ext`), `${extensions.join("\n")}\n`);
    const out = file(`${name}.pem`);
    openssl(["x509", "-req", "-in", csrFile, "-CA", issuer.certFile, "-CAkey", issuer.keyFile, "-set_serial", String(serial++), "-days", String(days), "-sha256", "-extfile", file(`${name}.ext`), "-out", out]);
    return out;
  }

  return {
    dir,
    file,
    /** A self-signed root (RSA by default: enterprise roots often are, Certdoor's CAs are EC). */
    root(name = "root", subject = "/O=Example Corp/CN=Example Enterprise Root", key: keyof typeof KEY_SPECS = "rsa-2048"): EnterpriseCa {
      const certFile = file(`${name}.pem`);
      const keyFile = file(`${name}.key`);
      openssl(["req", "-x509", ...KEY_SPECS[key], "-nodes", "-keyout", keyFile, "-out", certFile, "-subj", subject, "-days", "60", "-sha256",
        "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
      return { name, certFile, keyFile, pem: readFileSync(certFile, "utf8") };
    },
    /** An intermediate under `issuer` that may have `pathLength` CAs below it (Certdoor's issuing CA is one). */
    intermediate(issuer: EnterpriseCa, name = "intermediate", subject = "/O=Example Corp/CN=Example Issuing Policy CA", pathLength = 1): EnterpriseCa {
      const keyFile = file(`${name}.key`);
      openssl(["req", "-new", ...KEY_SPECS["ec-p384"], "-nodes", "-keyout", keyFile, "-out", file(`${name}.csr`), "-subj", subject]);
      const certFile = sign(file(`${name}.csr`), issuer, name, [`basicConstraints=critical,CA:true,pathlen:${pathLength}`, "keyUsage=critical,keyCertSign,cRLSign", "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"]);
      return { name, certFile, keyFile, pem: readFileSync(certFile, "utf8") };
    },
    /** Signs Certdoor's issuing CA request (PEM) with `issuer`; returns the certificate PEM. */
    signRequest(csrPem: string, issuer: EnterpriseCa, extensions = ISSUING_CA_EXTENSIONS, name = `issued-${serial}`): string {
      writeFileSync(file(`${name}.csr`), csrPem);
      return readFileSync(sign(file(`${name}.csr`), issuer, name, extensions), "utf8");
    },
  };
}
