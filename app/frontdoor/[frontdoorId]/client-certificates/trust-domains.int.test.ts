import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { makeCa, makeIssuingCa, storeCa } from "@/lib/domain/ca/store";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { createRootCa } from "@/lib/pki/ca";
import { makeFrontdoor, system, uniqueName } from "@/lib/testing/fixtures";
import { openssl, opensslCsr, tempDir } from "@/lib/testing/openssl";
import { mtlsServer, peerCn } from "@/e2e/support/tls";
import * as caPem from "../ca.pem/route";
import * as crl from "../crl/route";
import * as ocsp from "../ocsp/route";

// Each Frontdoor is its own trust domain (contract, "Trust domains"): a gateway that trusts
// exactly one Frontdoor's ca.pem admits no certificate issued under another, even one
// presented with its own intermediate. Judged by a Node TLS server and by openssl verify.

const dir = tempDir("certdoor-trust-");
const file = (name: string, text?: string) => {
  const full = path.join(dir, name);
  if (text !== undefined) writeFileSync(full, text);
  return full;
};
const certs = (pem: string): string[] => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
const params = (frontdoorId: string) => ({ params: Promise.resolve({ frontdoorId }) });
const trustFile = async (frontdoorId: string) => (await caPem.GET(new Request("http://localhost/"), params(frontdoorId))).text();
const crlPem = async (frontdoorId: string) => (await crl.GET(new Request("http://localhost/?format=pem"), params(frontdoorId))).text();

/** A certificate redeemed on a Frontdoor, as files a client holds: the leaf with its intermediate (what a TLS client presents), and its key. */
async function redeemed(frontdoorId: string, name: string) {
  const token = await createToken(system, frontdoorId, { name, commonName: `${name}.example.com` });
  const csr = opensslCsr("ec-p256");
  const issued = await redeemToken({ frontdoorId, secret: token.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
  const intermediate = certs(issued.caCertificates)[0]!;
  return {
    ...issued,
    leaf: file(`${name}-leaf.pem`, issued.certificate),
    intermediate: file(`${name}-int.pem`, intermediate),
    presented: { cert: file(`${name}-chain.pem`, issued.certificate + intermediate), key: csr.keyFile },
  };
}

/** openssl verify as a gateway holding `trusted` (a ca.pem) does, offered the client's intermediate; the output, or the refusal's. */
function verify(trusted: string, leaf: Awaited<ReturnType<typeof redeemed>>, extra: string[] = []): string {
  const ca = file(`trusted-${Math.random().toString(36).slice(2)}.pem`, trusted);
  try {
    return openssl(["verify", "-purpose", "sslclient", "-CAfile", ca, "-untrusted", leaf.intermediate, ...extra, leaf.leaf]);
  } catch (error) {
    return `refused: ${(error as { stdout?: string; stderr?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
  }
}

/** What a gateway trusting exactly `trusted` answers each client: "hello CN=…", or "" when the handshake is refused. */
async function gatewayAnswers(trusted: string, clients: { cert: string; key: string }[]): Promise<string[]> {
  const gateway = await mtlsServer(trusted, tempDir("certdoor-gw-"), (socket) => socket.end(`hello ${peerCn(socket)}`));
  try {
    return await Promise.all(clients.map((files) => gateway.connect(files)));
  } finally {
    gateway.close();
  }
}

describe("trust domains", () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = (await makeFrontdoor()).id;
    b = (await makeFrontdoor()).id;
  });

  it("a gateway trusting A's ca.pem refuses a certificate redeemed on B, with B's intermediate; B's ca.pem admits it", async () => {
    const onA = await redeemed(a, "on-a");
    const onB = await redeemed(b, "on-b");
    const [trustA, trustB] = [await trustFile(a), await trustFile(b)];
    // No certificate of one file is in the other: not the issuing CA, not the root.
    expect(certs(trustA).filter((c) => certs(trustB).includes(c))).toEqual([]);

    expect(await gatewayAnswers(trustA, [onA.presented, onB.presented])).toEqual(["hello CN=on-a.example.com", ""]);
    expect(await gatewayAnswers(trustB, [onB.presented, onA.presented])).toEqual(["hello CN=on-b.example.com", ""]);

    expect(verify(trustA, onB)).toMatch(/^refused: [\s\S]*unable to get (local )?issuer certificate/);
    expect(verify(trustB, onB)).toMatch(/: OK\n$/);
    expect(verify(trustA, onA)).toMatch(/: OK\n$/);
  });

  it("CRLs and OCSP work under a Frontdoor's own root: the PEM CRLs cover the whole chain, OCSP answers verify up to the root", async () => {
    const onA = await redeemed(a, "checked");
    const crls = await crlPem(a);
    expect(crls.match(/BEGIN X509 CRL/g)).toHaveLength(2);
    // -crl_check_all wants a CRL from every CA of the chain, the root's included.
    expect(verify(await trustFile(a), onA, ["-crl_check_all", "-CRLfile", file("a-crl.pem", crls)])).toMatch(/: OK\n$/);

    const root = file("a-root.pem", certs(await trustFile(a)).at(-1)!);
    openssl(["ocsp", "-issuer", onA.intermediate, "-cert", onA.leaf, "-reqout", file("req.der")]);
    const res = await ocsp.POST(new Request("http://localhost/", { method: "POST", headers: { "Content-Type": "application/ocsp-request" }, body: new Uint8Array(readFileSync(file("req.der"))) }), params(a));
    writeFileSync(file("resp.der"), Buffer.from(await res.arrayBuffer()));
    // Checked against the request it answers (signature up to A's root, nonce), then read for the certificate.
    const run = (args: string) => execFileSync("sh", ["-c", `openssl ocsp -respin ${file("resp.der")} -issuer ${onA.intermediate} -CAfile ${root} ${args} 2>&1`], { encoding: "utf8" });
    expect(run(`-reqin ${file("req.der")}`) + run(`-cert ${onA.leaf} -no_nonce`)).toMatch(/Response verify OK[\s\S]*checked-leaf\.pem: good/);
  });
});

describe("an installation from before trust domains", () => {
  /** Two Frontdoors whose issuing CAs hang under one shared root, as the migration leaves them. */
  async function legacyPair(): Promise<[string, string]> {
    const ids = await Promise.all([0, 1].map(async () => (await getDb().frontdoor.create({ data: { name: uniqueName("legacy") }, select: { id: true } })).id));
    const root = await makeCa((key) => createRootCa("legacy", new Date(), key));
    await getDb().$transaction(async (tx) => {
      const rootId = await storeCa(tx, root, { kind: "root", frontdoorId: ids[0]! });
      await tx.certificateAuthority.update({ where: { id: rootId }, data: { isSharedRoot: true } });
      for (const id of ids) await storeCa(tx, await makeIssuingCa(root.ca, { id, name: "legacy" }), { kind: "intermediate", frontdoorId: id, parentId: rootId });
    });
    return ids as [string, string];
  }

  it("ca rotate moves a Frontdoor onto a root of its own; the shared root leaves its ca.pem once the old CA's certificates have expired", async () => {
    const [a, b] = await legacyPair();
    const oldOnA = await redeemed(a, "legacy-a");
    const onB = await redeemed(b, "legacy-b");
    // The defect this fixes, as it stands before the move: A's file admits B's certificate.
    expect(verify(await trustFile(a), onB)).toMatch(/: OK\n$/);

    const rotation = await rotateFrontdoorCa(system, a);
    expect(rotation.root.isNew).toBe(true);
    const newOnA = await redeemed(a, "moved-a");
    expect(certs(newOnA.caCertificates)[1]).not.toBe(certs(oldOnA.caCertificates)[1]);
    // While the old CA has unexpired certificates, ca.pem keeps it and the shared root: they must keep working.
    const during = await trustFile(a);
    expect(certs(during)).toHaveLength(4);
    expect(verify(during, oldOnA)).toMatch(/: OK\n$/);
    expect(verify(during, newOnA)).toMatch(/: OK\n$/);
    expect((await crlPem(a)).match(/BEGIN X509 CRL/g)).toHaveLength(4);
    expect(await getDb().auditEvent.count({ where: { frontdoorId: a, action: "ca.root_created", targetId: rotation.root.id } })).toBe(1);

    await getDb().clientCertificate.updateMany({ where: { frontdoorId: a, issuerId: rotation.retired.id }, data: { notAfter: new Date(Date.now() - 1000) } });
    const after = await trustFile(a);
    expect(certs(after)).toHaveLength(2);
    expect(verify(after, newOnA)).toMatch(/: OK\n$/);
    expect(verify(after, onB)).toMatch(/^refused/);
    expect(await gatewayAnswers(after, [newOnA.presented, onB.presented])).toEqual(["hello CN=moved-a.example.com", ""]);
    expect((await crlPem(a)).match(/BEGIN X509 CRL/g)).toHaveLength(2);

    // A second rotation stays under A's own root.
    const again = await rotateFrontdoorCa(system, a);
    expect(again.root).toEqual({ id: rotation.root.id, isNew: false });
  });
});
