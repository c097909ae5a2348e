import { writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createToken } from "@/lib/domain/tokens";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { system } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { openssl, opensslCsr, tempDir } from "@/lib/testing/openssl";
import * as caPem from "../ca.pem/route";
import * as crl from "../crl/route";
import { refreshDueCrls } from "@/lib/domain/certificates";
import * as one from "./[certId]/route";
import * as collection from "./route";
import * as byPath from "./token/[token]/route";

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

async function issue(frontdoorId: string, spec: "ec-p256" | "rsa-2048" = "ec-p256") {
  const token = await createToken(system, frontdoorId, { name: `mtls ${spec}`, commonName: `client-${spec}.example.com` });
  const csr = opensslCsr(spec);
  const res = await call(byPath.POST, { frontdoorId, token: token.token }, { method: "POST", body: { type: "CSR", value: csr.csrPem } });
  expect(res.status).toBe(201);
  return { certificate: res.body, keyPem: csr.keyPem, tokenId: token.id };
}

/** A TLS server that demands a client certificate from the Frontdoor's CA (and, optionally, checks the CRLs; Node checks the whole chain, so it needs the root's too). */
async function mtlsServer(frontdoorId: string, crlPem?: string) {
  const chain = (await call(caPem.GET, { frontdoorId }, {})).body as string;
  const dir = tempDir("certdoor-mtls-");
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(dir, "k.pem"), "-out", path.join(dir, "c.pem")]);
  const { readFileSync } = await import("node:fs");
  const server = https.createServer(
    { key: readFileSync(path.join(dir, "k.pem")), cert: readFileSync(path.join(dir, "c.pem")), ca: chain, requestCert: true, rejectUnauthorized: true, ...(crlPem ? { crl: crlPem.match(/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----\n?/g)! } : {}) },
    (req, res) => res.end(`hello ${(req.socket as import("node:tls").TLSSocket).getPeerCertificate().subject.CN}`),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const get = (cert?: string, key?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port, path: "/", rejectUnauthorized: false, cert, key }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
    });
  return { get, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("issued certificates in real mTLS", () => {
  it("a TLS server demanding client certificates accepts an issued one and refuses a self-signed one", async () => {
    const { a } = world.frontdoors;
    const server = await mtlsServer(a.id);
    try {
      const ec = await issue(a.id, "ec-p256");
      expect(await server.get(ec.certificate.certificate, ec.keyPem)).toBe("hello client-ec-p256.example.com");
      const rsa = await issue(a.id, "rsa-2048");
      expect(await server.get(rsa.certificate.certificate, rsa.keyPem)).toBe("hello client-rsa-2048.example.com");

      const dir = tempDir();
      openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=impostor", "-keyout", `${dir}/k.pem`, "-out", `${dir}/c.pem`]);
      const { readFileSync } = await import("node:fs");
      await expect(server.get(readFileSync(`${dir}/c.pem`, "utf8"), readFileSync(`${dir}/k.pem`, "utf8"))).rejects.toThrow();
      await expect(server.get()).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it("after revocation the CRL lists it at once, and a server checking the CRL refuses it", async () => {
    const { a } = world.frontdoors;
    const issued = await issue(a.id);
    const before = (await call(crl.GET, { frontdoorId: a.id }, { path: "/?format=pem" })).body as string;
    const res = await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.operatorA, body: { reason: "keyCompromise" } });
    expect(res.status).toBe(204);
    const after = (await call(crl.GET, { frontdoorId: a.id }, { path: "/?format=pem" })).body as string;
    expect(after.match(/-----BEGIN X509 CRL-----/g)).toHaveLength(2);

    const dir = tempDir();
    const chain = (await call(caPem.GET, { frontdoorId: a.id }, {})).body as string;
    writeFileSync(`${dir}/chain.pem`, chain);
    writeFileSync(`${dir}/intermediate.pem`, chain.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n");
    writeFileSync(`${dir}/crl.pem`, after);
    const text = openssl(["crl", "-in", `${dir}/crl.pem`, "-noout", "-text", "-CAfile", `${dir}/intermediate.pem`]);
    expect(text.toUpperCase()).toContain(issued.certificate.serialNumber.toUpperCase());
    expect(text).toContain("Key Compromise");
    expect(text).toMatch(/Next Update:/);
    expect(text).toMatch(/X509v3 CRL Number:\s+\n?\s*\d+/);
    const number = (t: string) => BigInt(/X509v3 CRL Number:\s*\n?\s*(\d+)/.exec(t)![1]!);
    writeFileSync(`${dir}/before.pem`, before);
    expect(number(text)).toBeGreaterThan(number(openssl(["crl", "-in", `${dir}/before.pem`, "-noout", "-text"])));
    // openssl prints "verify OK" on stderr for -CAfile; the signature check itself:
    expect(() => openssl(["crl", "-in", `${dir}/crl.pem`, "-noout", "-CAfile", `${dir}/intermediate.pem`])).not.toThrow();

    const leaf = `${dir}/leaf.pem`;
    writeFileSync(leaf, issued.certificate.certificate);
    const root = chain.slice(chain.indexOf("-----END CERTIFICATE-----") + 26);
    writeFileSync(`${dir}/root.pem`, root);
    expect(() => openssl(["verify", "-crl_check", "-CAfile", `${dir}/root.pem`, "-untrusted", `${dir}/intermediate.pem`, "-CRLfile", `${dir}/crl.pem`, leaf])).toThrow(/revoked/);

    const server = await mtlsServer(a.id, after);
    try {
      const revokedOutcome = await server.get(issued.certificate.certificate, issued.keyPem).catch((e: Error) => `failed: ${e.message}`);
      expect(revokedOutcome).toMatch(/^failed/);
      const fresh = await issue(a.id);
      const outcome = await server.get(fresh.certificate.certificate, fresh.keyPem).catch((e: Error) => `failed: ${e.message}`);
      expect(outcome).toContain("hello");
    } finally {
      await server.close();
    }
    const der = await crl.GET(new Request(`http://localhost/frontdoor/${a.id}/crl`), { params: Promise.resolve({ frontdoorId: a.id }) });
    expect(der.headers.get("content-type")).toBe("application/pkix-crl");
    expect(new Uint8Array(await der.arrayBuffer())[0]).toBe(0x30);
  });
});

describe("the public CRL endpoint", () => {
  const crlNumberOf = (der: Buffer) => {
    const file = path.join(tempDir(), "crl.der");
    writeFileSync(file, der);
    return BigInt(/X509v3 CRL Number:\s*\n?\s*(\d+)/.exec(openssl(["crl", "-inform", "DER", "-in", file, "-noout", "-text"]))![1]!);
  };
  const get = async (frontdoorId: string, headers: Record<string, string> = {}) => {
    const res = await crl.GET(new Request(`http://localhost/frontdoor/${frontdoorId}/crl`, { headers }), { params: Promise.resolve({ frontdoorId }) });
    return { res, der: Buffer.from(await res.arrayBuffer()) };
  };
  const caRows = () => getDb().certificateAuthority.findMany({ select: { id: true, crlNumber: true, crlDer: true }, orderBy: { id: "asc" } });

  it("two GETs with no revocation between them give the same bytes and CRL number and write nothing; a revocation changes both at once", async () => {
    const { a } = world.frontdoors;
    const rowsBefore = await caRows();
    const first = await get(a.id);
    const second = await get(a.id);
    expect(first.res.status).toBe(200);
    expect(second.der.equals(first.der)).toBe(true);
    expect(crlNumberOf(second.der)).toBe(crlNumberOf(first.der));
    expect(await caRows()).toEqual(rowsBefore);

    const etag = first.res.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f.]+"$/);
    expect(first.res.headers.get("last-modified")).toBeTruthy();
    const maxAge = Number(/max-age=(\d+)/.exec(first.res.headers.get("cache-control")!)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    expect((await get(a.id, { "if-none-match": etag })).res.status).toBe(304);

    const issued = await issue(a.id);
    await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.operatorA, body: { reason: "superseded" } });
    const after = await get(a.id);
    expect(after.der.equals(first.der)).toBe(false);
    expect(crlNumberOf(after.der)).toBeGreaterThan(crlNumberOf(first.der));
    expect(after.res.headers.get("etag")).not.toBe(etag);
    expect((await get(a.id, { "if-none-match": etag })).res.status).toBe(200);
  });

  it("the schedule re-signs only CRLs that near their nextUpdate", async () => {
    const { a } = world.frontdoors;
    expect(await refreshDueCrls()).toBe(0);
    await getDb().certificateAuthority.updateMany({ where: { frontdoorId: a.id }, data: { crlNextUpdate: new Date(Date.now() + 3600_000) } });
    const before = await get(a.id);
    expect(await refreshDueCrls()).toBe(1);
    const after = await get(a.id);
    expect(crlNumberOf(after.der)).toBeGreaterThan(crlNumberOf(before.der));
  });
});

describe("certificate endpoints", () => {
  it("lists, filters and reads certificates with the same permission rules as tokens", async () => {
    const { a } = world.frontdoors;
    const issued = await issue(a.id);
    const list = await call(collection.GET, { frontdoorId: a.id }, { key: world.keys.auditor, path: "/?status=valid&size=100" });
    expect(list.status).toBe(200);
    expect(list.body.content.map((c: { id: string }) => c.id)).toContain(issued.certificate.id);
    const got = await call(one.GET, { frontdoorId: a.id, certId: issued.certificate.id }, { key: world.keys.operatorA });
    expect(got.body).toMatchObject({ id: issued.certificate.id, tokenId: issued.tokenId, status: "valid", certificate: issued.certificate.certificate });

    expect((await call(one.GET, { frontdoorId: a.id, certId: issued.certificate.id }, { key: world.keys.operatorB })).body.code).toBe("frontdoor_not_found");
    expect((await call(one.GET, { frontdoorId: a.id, certId: "cert-00000000-0000-4000-8000-000000000000" }, { key: world.keys.admin })).status).toBe(404);
    expect((await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.auditor })).body.code).toBe("forbidden");
    expect((await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: null })).status).toBe(401);
    expect((await call(collection.GET, { frontdoorId: a.id }, {})).status).toBe(401);

    const revoked = await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.admin });
    expect(revoked.status).toBe(204);
    const again = await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.admin, body: { reason: "superseded" } });
    expect(again.status).toBe(204);
    const stored = await getDb().clientCertificate.findUniqueOrThrow({ where: { id: issued.certificate.id } });
    expect(stored).toMatchObject({ revocationReason: "unspecified", revokedById: world.users.admin.user.id });
    const revokedList = await call(collection.GET, { frontdoorId: a.id }, { key: world.keys.admin, path: "/?status=revoked" });
    expect(revokedList.body.content.map((c: { id: string }) => c.id)).toContain(issued.certificate.id);
    const bad = await call(one.DELETE, { frontdoorId: a.id, certId: issued.certificate.id }, { method: "DELETE", key: world.keys.admin, body: { reason: "because" } });
    expect(bad.body.code).toBe("validation_failed");
  });

  it("publishes the CA chain without credentials, and not for unknown Frontdoors", async () => {
    const res = await call(caPem.GET, { frontdoorId: world.frontdoors.b.id }, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-pem-file");
    expect((res.body as string).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect((await call(caPem.GET, { frontdoorId: "00000000-0000-4000-8000-000000000000" }, {})).body.code).toBe("frontdoor_not_found");
    expect((await call(crl.GET, { frontdoorId: "nope" }, {})).body.code).toBe("frontdoor_not_found");
  });
});
