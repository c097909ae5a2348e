import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { id_pkix_ocsp_nonce, OCSPRequest } from "@peculiar/asn1-ocsp";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { redeemToken, revokeCertificate } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { certificateText, opensslCsr, tempDir } from "@/lib/testing/openssl";
import * as caCrt from "../ca.crt/route";
import * as caPem from "../ca.pem/route";
import * as getForm from "./[...request]/route";
import * as postForm from "./route";

// OCSP and the pointers in every certificate, judged by openssl: it makes the requests,
// checks the responder's signature against the chain, and reads each answer.

let frontdoorId: string;
let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  dir = tempDir("certdoor-ocsp-");
  const chain = await (await caPem.GET(new Request("http://localhost/"), { params: Promise.resolve({ frontdoorId }) })).text();
  const end = "-----END CERTIFICATE-----";
  writeFileSync(file("intermediate.pem"), chain.slice(0, chain.indexOf(end) + end.length) + "\n");
  writeFileSync(file("root.pem"), chain.slice(chain.indexOf(end) + end.length).trim() + "\n");
});

async function issue(name: string) {
  const token = await createToken(system, frontdoorId, { name, commonName: `${name}.example.com` });
  const certificate = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
  writeFileSync(file(`${name}.pem`), certificate.certificate);
  return certificate;
}

async function post(requestDer: Buffer, fd = frontdoorId) {
  const res = await postForm.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(requestDer) }), { params: Promise.resolve({ frontdoorId: fd }) });
  return { res, der: Buffer.from(await res.arrayBuffer()) };
}

/**
 * openssl's verdict on a response, as it prints it: first checked against the request it
 * answers (signature, chain, nonce), then read for the status of the certificate asked about.
 */
function verdict(certArgs: string[], responseDer: Buffer, requestFile: string): string {
  writeFileSync(file("resp.der"), responseDer);
  const run = (args: string) => execFileSync("sh", ["-c", `openssl ocsp -respin ${file("resp.der")} -issuer ${file("intermediate.pem")} -CAfile ${file("root.pem")} ${args} 2>&1`], { encoding: "utf8" });
  return run(`-reqin ${requestFile}`) + run(`${certArgs.join(" ")} -no_nonce`);
}

const request = (name: string, certArgs: string[], extra: string[] = []) => {
  execFileSync("openssl", ["ocsp", "-issuer", file("intermediate.pem"), ...certArgs, "-reqout", file(name), ...extra], { stdio: "ignore" });
  return readFileSync(file(name));
};

describe("pointers in every certificate", () => {
  it("carries the CRL distribution point and both AIA entries at PUBLIC_URL, and each address answers", async () => {
    await issue("pointed");
    const text = certificateText(readFileSync(file("pointed.pem"), "utf8"));
    const base = `${env.PUBLIC_URL}/frontdoor/${frontdoorId}`;
    expect(text).toMatch(new RegExp(`X509v3 CRL Distribution Points:\\s+Full Name:\\s+URI:${base}/crl`));
    expect(text).toContain(`OCSP - URI:${base}/ocsp`);
    expect(text).toContain(`CA Issuers - URI:${base}/ca.crt`);

    const crt = await caCrt.GET(new Request(`${base}/ca.crt`), { params: Promise.resolve({ frontdoorId }) });
    expect(crt.headers.get("content-type")).toBe("application/pkix-cert");
    writeFileSync(file("ca.der"), Buffer.from(await crt.arrayBuffer()));
    const fromDer = execFileSync("openssl", ["x509", "-inform", "DER", "-in", file("ca.der"), "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" });
    expect(fromDer).toBe(execFileSync("openssl", ["x509", "-in", file("intermediate.pem"), "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" }));
  });
});

describe("the OCSP responder", () => {
  it("answers good, then revoked with the reason once revoked; the response verifies and echoes the nonce", async () => {
    const certificate = await issue("checked");
    const req = request("req-good.der", ["-cert", file("checked.pem")]);
    const good = await post(req);
    expect(good.res.headers.get("content-type")).toBe("application/ocsp-response");
    expect(good.res.headers.get("cache-control")).toBe("no-store"); // it carries a nonce
    const goodText = verdict(["-cert", file("checked.pem")], good.der, file("req-good.der"));
    expect(goodText).toContain("Response verify OK");
    expect(goodText).toMatch(/checked\.pem: good/);
    expect(goodText).not.toMatch(/nonce/i);

    await revokeCertificate(system, frontdoorId, certificate.id, { reason: "keyCompromise" });
    const revoked = verdict(["-cert", file("checked.pem")], (await post(request("req-revoked.der", ["-cert", file("checked.pem")]))).der, file("req-revoked.der"));
    expect(revoked).toContain("Response verify OK");
    expect(revoked).toMatch(/checked\.pem: revoked/);
    expect(revoked).toMatch(/Reason: keyCompromise/);
  });

  it("answers unknown for a serial this CA never issued, and the GET form gives the same answers with cache headers", async () => {
    const unknownReq = request("req-unknown.der", ["-serial", "0x4142434445464748"], ["-no_nonce"]);
    expect(verdict(["-serial", "0x4142434445464748"], (await post(unknownReq)).der, file("req-unknown.der"))).toMatch(/0x4142434445464748: unknown/);

    await issue("got");
    const req = request("req-get.der", ["-cert", file("got.pem")], ["-no_nonce"]);
    // Next.js decodes the path segment (%2F, %2B, %3D) before the handler sees it.
    const encoded = encodeURIComponent(req.toString("base64"));
    const res = await getForm.GET(new Request(`http://localhost/frontdoor/${frontdoorId}/ocsp/${encoded}`), { params: Promise.resolve({ frontdoorId, request: [decodeURIComponent(encoded)] }) });
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
    expect(res.headers.get("expires")).toBeTruthy();
    expect(verdict(["-cert", file("got.pem")], Buffer.from(await res.arrayBuffer()), file("req-get.der"))).toMatch(/got\.pem: good/);
    // A client that did not encode "/" splits the request over segments: still understood.
    const parts = req.toString("base64").split("/");
    const split = await getForm.GET(new Request("http://localhost/"), { params: Promise.resolve({ frontdoorId, request: parts }) });
    expect(verdict(["-cert", file("got.pem")], Buffer.from(await split.arrayBuffer()), file("req-get.der"))).toMatch(/got\.pem: good/);
  });

  it("answers malformedRequest to garbage, and 404 for an unknown Frontdoor", async () => {
    expect(responseStatus((await post(Buffer.from("not an OCSP request"))).der)).toMatch(/malformedrequest/i);
    const missing = await post(request("req-missing.der", ["-serial", "0x01"]), "00000000-0000-4000-8000-000000000000");
    expect(missing.res.status).toBe(404);
  });

  it("answers malformedRequest to more than 10 certificates or a nonce outside 1–32 octets, before reading anything", async () => {
    const serials = (n: number) => Array.from({ length: n }, (_, i) => ["-serial", `0x${(0x1000 + i).toString(16)}`]).flat();
    expect(verdict(serials(10), (await post(request("req-10.der", serials(10)))).der, file("req-10.der"))).toContain("Response verify OK");
    const eleven = request("req-11.der", serials(11));
    expect(responseStatus((await post(eleven)).der)).toMatch(/malformedrequest/i);
    // Refused on its bytes alone: no read, so an unknown Frontdoor gets the same answer, not a 404.
    expect(responseStatus((await post(eleven, "00000000-0000-4000-8000-000000000000")).der)).toMatch(/malformedrequest/i);

    const asked = request("req-nonce.der", serials(1)); // openssl adds a 16-octet nonce
    for (const octets of [1, 32]) {
      writeFileSync(file(`req-nonce-${octets}.der`), withNonce(asked, octets));
      expect(verdict(serials(1), (await post(withNonce(asked, octets))).der, file(`req-nonce-${octets}.der`))).toContain("Response verify OK");
    }
    for (const octets of [0, 33, 4096]) expect(responseStatus((await post(withNonce(asked, octets))).der), `${octets} octets`).toMatch(/malformedrequest/i);
  });

  it("serves an answer without a nonce from its cache for up to a minute; a revocation through this instance shows at once", async () => {
    const certificate = await issue("cached");
    const req = request("req-cached.der", ["-cert", file("cached.pem")], ["-no_nonce"]);
    const first = (await post(req)).der;
    // ECDSA signatures differ each time: the same bytes mean the same signed answer, not a new one.
    expect((await post(req)).der.equals(first)).toBe(true);
    expect(verdict(["-cert", file("cached.pem")], first, file("req-cached.der"))).toMatch(/cached\.pem: good/);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
    try {
      expect((await post(req)).der.equals(first)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
    const cached = (await post(req)).der;
    expect((await post(req)).der.equals(cached)).toBe(true);
    await revokeCertificate(system, frontdoorId, certificate.id, { reason: "keyCompromise" });
    expect(verdict(["-cert", file("cached.pem")], (await post(req)).der, file("req-cached.der"))).toMatch(/cached\.pem: revoked/);
  });

  it("a revocation made by another worker or instance shows at once too: the cache checks the Frontdoor's CRL numbers in PostgreSQL", async () => {
    const certificate = await issue("elsewhere");
    const req = request("req-elsewhere.der", ["-cert", file("elsewhere.pem")], ["-no_nonce"]);
    const first = (await post(req)).der;
    expect((await post(req)).der.equals(first)).toBe(true);
    // What another process's revokeCertificate commits, on a connection this process's cache knows nothing of.
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`UPDATE "ClientCertificate" SET "revokedAt" = now(), "revocationReason" = 'keyCompromise' WHERE "id" = $1`, [certificate.id]);
      await other.query(`UPDATE "CertificateAuthority" SET "crlNumber" = "crlNumber" + 1 WHERE "id" = (SELECT "issuerId" FROM "ClientCertificate" WHERE "id" = $1)`, [certificate.id]);
      await other.query("COMMIT");
    } finally {
      await other.end();
    }
    expect(verdict(["-cert", file("elsewhere.pem")], (await post(req)).der, file("req-elsewhere.der"))).toMatch(/elsewhere\.pem: revoked/);
  });
});

/** openssl's reading of a response's status line (malformedrequest, successful, …). */
const responseStatus = (der: Buffer) => {
  writeFileSync(file("status.der"), der);
  return execFileSync("sh", ["-c", `openssl ocsp -respin ${file("status.der")} -resp_text 2>&1 || true`], { encoding: "utf8" });
};

/** The request with its nonce replaced by one of `octets` octets (RFC 8954's form: an OCTET STRING in the extension's value). */
function withNonce(requestDer: Buffer, octets: number): Buffer {
  const parsed = AsnConvert.parse(requestDer, OCSPRequest);
  const nonce = parsed.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (!nonce) throw new Error("the request has no nonce");
  nonce.extnValue = new OctetString(AsnConvert.serialize(new OctetString(Buffer.alloc(octets, 0x5a))));
  return Buffer.from(AsnConvert.serialize(parsed));
}
