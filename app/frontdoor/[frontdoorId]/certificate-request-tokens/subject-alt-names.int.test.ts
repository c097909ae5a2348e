import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { openssl, opensslCsr, subjectAltNameText } from "@/lib/testing/openssl";
import * as preview from "@/app/api/redeem/preview/route";
import * as certificate from "../client-certificates/[certId]/route";
import * as renew from "../client-certificates/renew/route";
import * as redeem from "../client-certificates/token/route";
import * as batch from "./batch/route";
import * as one from "./[tokenId]/route";
import * as collection from "./route";

// Subject alternative names end to end through the REST API: every way a token gets them
// (create, PATCH, batch JSON and CSV), what redemption and renewal put in the certificate
// (judged by `openssl x509 -ext subjectAltName`), and the paths of bad values.

let world: Awaited<ReturnType<typeof apiWorld>>;
let frontdoorId: string;
beforeAll(async () => {
  world = await apiWorld();
  frontdoorId = world.frontdoors.a.id;
});

const SANS = { dns: ["build-agent-7.ci.example.com", "agent-7.example.com"], ip: ["10.0.0.7", "2001:db8::7"], uri: ["spiffe://ci.example.com/agent/7"], email: ["ci@example.com"] };
/** How OpenSSL prints SANS (kinds in the order dns, ip, uri, email; IPv6 spelled out). */
const SANS_TEXT = "DNS:build-agent-7.ci.example.com, DNS:agent-7.example.com, IP Address:10.0.0.7, IP Address:2001:DB8:0:0:0:0:0:7, URI:spiffe://ci.example.com/agent/7, email:ci@example.com";

const create = (body: unknown) => call(collection.POST, { frontdoorId }, { method: "POST", key: world.keys.operatorA, body });
const patch = (tokenId: string, body: unknown) => call(one.PATCH, { frontdoorId, tokenId }, { method: "PATCH", key: world.keys.operatorA, body });
const postBatch = (init: { json?: unknown; csv?: string }) =>
  call(batch.POST, { frontdoorId }, init.csv !== undefined ? { method: "POST", key: world.keys.operatorA, rawBody: init.csv, headers: { "Content-Type": "text/csv; charset=utf-8" } } : { method: "POST", key: world.keys.operatorA, body: init.json });

/** A CSR that asks for a SAN of its own, which no certificate may carry. */
const greedyCsr = () => opensslCsr("ec-p256", "/CN=from-the-csr", ["-addext", "subjectAltName=DNS:evil.example,IP:192.0.2.66"]);

async function redeemWith(secret: string, csrPem = greedyCsr().csrPem) {
  const res = await call(redeem.POST, { frontdoorId }, { method: "POST", key: secret, body: { type: "CSR", value: csrPem }, headers: fromAddress("192.0.2.20") });
  expect(res.status).toBe(201);
  return res.body as { id: string; certificate: string; subjectAltNames: unknown };
}

describe("subject alternative names on tokens", () => {
  it("create: the token, the preview and the certificate carry exactly the token's SANs, none of the CSR's", async () => {
    const res = await create({ name: "agent 7", commonName: "build-agent-7.ci.example.com", subjectAltNames: { ...SANS, dns: ["Build-Agent-7.CI.example.com.", "agent-7.example.com"] } });
    expect(res.status).toBe(201);
    expect(res.body.subjectAltNames).toEqual(SANS);
    const got = await call(one.GET, { frontdoorId, tokenId: res.body.id }, { key: world.keys.auditor });
    expect(got.body.subjectAltNames).toEqual(SANS);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "token.created", targetId: res.body.id } });
    expect(audit.details).toMatchObject({ subjectAltNames: SANS });

    const shown = await call(preview.POST, {}, { method: "POST", body: { frontdoorId, token: res.body.token }, headers: fromAddress("192.0.2.20") });
    expect(shown.status).toBe(200);
    expect(shown.body.token.subjectAltNames).toEqual(SANS);

    const issued = await redeemWith(res.body.token);
    expect(issued.subjectAltNames).toEqual(SANS);
    expect(subjectAltNameText(issued.certificate)).toBe(SANS_TEXT);
    const read = await call(certificate.GET, { frontdoorId, certId: issued.id }, { key: world.keys.auditor });
    expect(read.body.subjectAltNames).toEqual(SANS);
  });

  it("a token without SANs gives a certificate without the extension, whatever the CSR asks for", async () => {
    const res = await create({ name: "plain", commonName: "plain.example.com" });
    expect(res.body.subjectAltNames).toEqual({});
    const issued = await redeemWith(res.body.token);
    expect(issued.subjectAltNames).toEqual({});
    expect(subjectAltNameText(issued.certificate)).toBe("");
    expect(openssl(["x509", "-noout", "-text"], { input: issued.certificate })).not.toContain("evil.example");
  });

  it("PATCH replaces the SANs ({} removes them); the certificate carries the new ones", async () => {
    const res = await create({ name: "patched", subjectAltNames: { dns: ["old.example.com"] } });
    const changed = await patch(res.body.id, { subjectAltNames: { uri: ["spiffe://ci.example.com/agent/8"], email: ["Ops@Example.COM"] } });
    expect(changed.status).toBe(200);
    expect(changed.body.subjectAltNames).toEqual({ uri: ["spiffe://ci.example.com/agent/8"], email: ["Ops@example.com"] });
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: "token.updated", targetId: res.body.id } });
    expect(audit.details).toEqual({ subjectAltNames: { uri: ["spiffe://ci.example.com/agent/8"], email: ["Ops@example.com"] } });
    expect(subjectAltNameText((await redeemWith(res.body.token)).certificate)).toBe("URI:spiffe://ci.example.com/agent/8, email:Ops@example.com");

    const cleared = await create({ name: "cleared", subjectAltNames: { dns: ["gone.example.com"] } });
    expect((await patch(cleared.body.id, { subjectAltNames: {} })).body.subjectAltNames).toEqual({});
    expect(subjectAltNameText((await redeemWith(cleared.body.token)).certificate)).toBe("");
  });

  it("batch JSON and CSV: each row's SANs reach its token and its certificate", async () => {
    const json = await postBatch({ json: { tokens: [{ name: "json 1", subjectAltNames: { ip: ["10.1.0.1"] } }, { name: "json 2" }] } });
    expect(json.status).toBe(201);
    expect(json.body.tokens.map((t: { subjectAltNames: unknown }) => t.subjectAltNames)).toEqual([{ ip: ["10.1.0.1"] }, {}]);
    expect(subjectAltNameText((await redeemWith(json.body.tokens[0].token)).certificate)).toBe("IP Address:10.1.0.1");

    const csv = ["name,commonName,dnsNames,ipAddresses,uris,emails", 'csv 1,one.example.com,"one.example.com  www.one.example.com",10.2.0.1,spiffe://ci.example.com/one,one@example.com', "csv 2,two.example.com,,,,"].join("\n");
    const fromCsv = await postBatch({ csv });
    expect(fromCsv.status).toBe(201);
    const [first, second] = fromCsv.body.tokens;
    expect(first.subjectAltNames).toEqual({ dns: ["one.example.com", "www.one.example.com"], ip: ["10.2.0.1"], uri: ["spiffe://ci.example.com/one"], email: ["one@example.com"] });
    expect(second.subjectAltNames).toEqual({});
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: first.id }, select: { subjectAltNames: true } });
    expect(stored.subjectAltNames).toEqual(first.subjectAltNames);
    expect(subjectAltNameText((await redeemWith(first.token)).certificate)).toBe("DNS:one.example.com, DNS:www.one.example.com, IP Address:10.2.0.1, URI:spiffe://ci.example.com/one, email:one@example.com");
  });

  it("renewal keeps the SANs of the certificate it renews, not the CSR's", async () => {
    const token = await create({ name: "renewed", commonName: "renewed.example.com", validDays: 1, subjectAltNames: { dns: ["renewed.example.com"], ip: ["10.3.0.1"] } });
    const csr = opensslCsr("ec-p256", "/CN=renewed.example.com");
    const first = await redeemWith(token.body.token, csr.csrPem);
    // Meanwhile the token is irrelevant: renewal reads the certificate's own row.
    const renewalCsr = openssl(["req", "-new", "-key", csr.keyFile, "-subj", "/CN=renewed.example.com", "-addext", "subjectAltName=DNS:evil.example"]);
    const res = await call(renew.POST, { frontdoorId }, { method: "POST", body: { type: "CSR", value: renewalCsr, certificate: first.certificate } });
    expect(res.status).toBe(201);
    expect(res.body.renewedFromId).toBe(first.id);
    expect(res.body.subjectAltNames).toEqual({ dns: ["renewed.example.com"], ip: ["10.3.0.1"] });
    expect(subjectAltNameText(res.body.certificate)).toBe("DNS:renewed.example.com, IP Address:10.3.0.1");
  });
});

describe("bad SANs are validation_failed with the path of each value", () => {
  it("create and PATCH name the kind and the index", async () => {
    const res = await create({ name: "bad", subjectAltNames: { dns: ["ok.example.com", "bad..example.com"], ip: ["10.0.0.300"], uri: ["not a uri"], email: ["Dana <dana@example.com>"] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["subjectAltNames.dns[1]", "subjectAltNames.ip[0]", "subjectAltNames.uri[0]", "subjectAltNames.email[0]"]);
    // A wildcard is well-formed; this Frontdoor's profile (the default) does not allow it.
    const wildcard = await create({ name: "wildcard", subjectAltNames: { dns: ["ok.example.com", "*.example.com"] } });
    expect(wildcard.status).toBe(400);
    expect(wildcard.body.errors).toEqual([{ path: "subjectAltNames.dns[1]", message: expect.stringMatching(/Wildcards are not allowed/) }]);

    const token = await create({ name: "good" });
    const bad = await patch(token.body.id, { subjectAltNames: { dns: Array.from({ length: 21 }, (_, i) => `h${i}.example.com`), dnsNames: ["x.example.com"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["subjectAltNames", "subjectAltNames.dns"]);
  });

  it("batch JSON names tokens[i].subjectAltNames…, CSV the row and column with the value", async () => {
    const json = await postBatch({ json: { tokens: [{ name: "fine" }, { name: "bad", subjectAltNames: { email: ["ok@example.com", "no-at-sign"] } }] } });
    expect(json.status).toBe(400);
    expect(json.body.errors).toEqual([{ path: "tokens[1].subjectAltNames.email[1]", message: expect.any(String) }]);

    const csv = await postBatch({ csv: "name,dnsNames,ipAddresses\nfine,a.example.com,\nbad,a.example.com bad_name.example.com,10.0.0.1 fe80::zz\n" });
    expect(csv.status).toBe(400);
    expect(csv.body.errors).toEqual([
      { path: "row 3: dnsNames", message: expect.stringMatching(/^"bad_name\.example\.com": /) },
      { path: "row 3: ipAddresses", message: expect.stringMatching(/^"fe80::zz": /) },
    ]);
    expect(await getDb().certificateRequestToken.count({ where: { frontdoorId, name: "fine" } })).toBe(0);
  });
});
