// Where a CSR check's time goes (issue 24): each step of lib/pki/csr.ts checkCsr timed alone on a
// P-256 request. Run: node --import tsx bench/csr-check-parts.ts
import { execFileSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { checkCsr } from "@/lib/pki/csr";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { fromPem } from "@/lib/pki/pem";
const pem = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=x"], { encoding: "utf8" });
const der = fromPem(pem, ["CERTIFICATE REQUEST"])!;
const csr = parseClientAsn1(der, CertificationRequest);
const spki = Buffer.from(AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo));
const key = createPublicKey({ key: spki, format: "der", type: "spki" });
const time = (name: string, f: () => unknown, n = 3000) => { for (let i = 0; i < 300; i++) f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(JSON.stringify({ step: name, microseconds: Math.round(((performance.now() - t) / n) * 1000) })); };
time("checkCsr (all)", () => checkCsr(pem));
time("fromPem", () => fromPem(pem, ["CERTIFICATE REQUEST"]));
time("parse PKCS#10 (asn1)", () => parseClientAsn1(der, CertificationRequest));
time("serialize SPKI", () => AsnConvert.serialize(csr.certificationRequestInfo.subjectPKInfo));
time("createPublicKey (spki der)", () => createPublicKey({ key: spki, format: "der", type: "spki" }));
time("key.export (spki der)", () => key.export({ format: "der", type: "spki" }));
time("createPublicKey + asymmetricKeyDetails", () => createPublicKey({ key: spki, format: "der", type: "spki" }).asymmetricKeyDetails);
time("verify", () => verify("sha256", Buffer.from(csr.certificationRequestInfoRaw!), { key, dsaEncoding: "der" }, Buffer.from(csr.signature)));
