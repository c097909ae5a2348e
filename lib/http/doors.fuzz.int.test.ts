import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as caCrt from "@/app/frontdoor/[frontdoorId]/ca.crt/route";
import * as caPem from "@/app/frontdoor/[frontdoorId]/ca.pem/route";
import * as tokenRotate from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/[tokenId]/rotate/route";
import * as token from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/[tokenId]/route";
import * as tokenBatch from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/batch/route";
import * as tokens from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/route";
import * as certificate from "@/app/frontdoor/[frontdoorId]/client-certificates/[certId]/route";
import * as renew from "@/app/frontdoor/[frontdoorId]/client-certificates/renew/route";
import * as certificates from "@/app/frontdoor/[frontdoorId]/client-certificates/route";
import * as redeemPath from "@/app/frontdoor/[frontdoorId]/client-certificates/token/[token]/route";
import * as redeemBearer from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import * as crl from "@/app/frontdoor/[frontdoorId]/crl/route";
import * as crlById from "@/app/frontdoor/[frontdoorId]/crl/[caId]/route";
import * as caByIdCrt from "@/app/frontdoor/[frontdoorId]/ca/[caFile]/route";
import * as ocspGet from "@/app/frontdoor/[frontdoorId]/ocsp/[...request]/route";
import * as ocspPost from "@/app/frontdoor/[frontdoorId]/ocsp/route";
import * as estCacerts from "@/app/.well-known/est/[frontdoorId]/cacerts/route";
import * as estEnroll from "@/app/.well-known/est/[frontdoorId]/simpleenroll/route";
import * as tokensExport from "@/app/(console)/tokens/export/route";
import * as signIn from "@/app/api/auth/[...nextauth]/route";
import * as preview from "@/app/api/redeem/preview/route";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken, revokeToken, updateToken } from "@/lib/domain/tokens";
import { checkCsr } from "@/lib/pki/csr";
import { fromPem, toPem } from "@/lib/pki/pem";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { system } from "@/lib/testing/fixtures";
import type { DoorName, DoorParams } from "@/lib/testing/fuzz/doors";
import { contractProblems } from "@/lib/testing/fuzz/http-contract";
import { requestWithBerKeyParameters } from "@/lib/testing/fuzz/csr-properties";
import { type FuzzRequest, fuzzRequests, pathOf } from "@/lib/testing/fuzz/http-requests";
import { csrSeed, ocspRequest } from "@/lib/testing/fuzz/parser-seeds";
import { FUZZ_SEED } from "@/lib/testing/fuzz/settings";
import { Tally } from "@/lib/testing/fuzz/tally";
import { call, fromAddress } from "@/lib/testing/http";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";
import { openssl, opensslCsr, verifyClientCertificate } from "@/lib/testing/openssl";

// Every door on generated methods, paths, queries, headers and bodies, called in-process as
// Next.js calls them (bench/fuzz-http.ts sends the same requests to a running production
// server, 100,000 of them). Each answer must keep the contract (lib/testing/fuzz/http-contract.ts);
// a refusal must leave tokens and certificates exactly as they were; and afterwards a token
// the generator never knew about still previews and redeems.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));

type Handler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;
const ROUTES: Record<DoorName, Record<string, unknown>> = {
  tokens, token, tokenRotate, tokenBatch, tokensExport, certificates, certificate, renew, redeemPath, redeemBearer, preview, caPem, caCrt, crl, caByIdCrt, crlById, ocspPost, ocspGet, estCacerts, estEnroll, signIn,
};
const REQUESTS = Number(process.env.FUZZ_HTTP_RUNS ?? 600);
const ANSWER_WITHIN_MS = 20_000;

let world: Awaited<ReturnType<typeof apiWorld>>;
let keeper: { secret: string; id: string };
let fuzzWorld: Parameters<typeof fuzzRequests>[0];
let regressions: [FuzzRequest, string | null][];

beforeAll(async () => {
  world = await apiWorld();
  const { a, b } = world.frontdoors;
  const make = (frontdoorId: string, name: string, validDays = 1) => createToken(system, frontdoorId, { name, commonName: `${name}.example.com`, validDays });
  const created = await make(a.id, "keeper");
  keeper = { secret: created.token, id: created.id };

  // A redeemed token whose one-day certificate is inside its renewal window from the start.
  const used = await make(a.id, "used");
  const csr = opensslCsr("ec-p256");
  const issued = await redeemToken({ frontdoorId: a.id, secret: used.token, body: { type: "CSR", value: csr.csrPem }, context: {} });
  const renewalCsr = openssl(["req", "-new", "-key", `${csr.dir}/key.pem`, "-subj", "/CN=renewal"]);
  const revoked = await make(a.id, "revoked");
  await revokeToken(system, a.id, revoked.id);
  const expired = await make(a.id, "expired");
  await updateToken(system, a.id, expired.id, { expiresAt: new Date().toISOString() });
  const spendable = await Promise.all(Array.from({ length: 12 }, (_, i) => make(a.id, `spend-${i}`)));
  const elsewhere = await make(b.id, "elsewhere");

  const issuerPem = (await call(caPem.GET, { frontdoorId: a.id })).body as string;
  const csrf = await (signIn.GET as unknown as (r: Request) => Promise<Response>)(new Request("http://localhost/api/auth/csrf", { headers: fromAddress("192.0.2.2") }));
  const csrfToken = ((await csrf.json()) as { csrfToken: string }).csrfToken;
  const leafDer = fromPem(issued.certificate, ["CERTIFICATE"])!;
  fuzzWorld = {
    frontdoorIds: [a.id, b.id, world.frontdoors.c.id],
    apiKeys: Object.values(world.keys),
    tokenIds: [...spendable.map((t) => t.id), used.id, revoked.id, expired.id, elsewhere.id],
    certIds: [issued.id],
    caIds: (await getDb().certificateAuthority.findMany({ where: { frontdoorId: { not: null } }, select: { id: true } })).map((ca) => ca.id),
    secrets: [...spendable.map((t) => t.token), used.token, revoked.token, expired.token, elsewhere.token],
    csrDers: [fromPem(csr.csrPem, ["CERTIFICATE REQUEST"])!, fromPem(renewalCsr, ["CERTIFICATE REQUEST"])!],
    certificateDers: [leafDer, fromPem(readFileSync(`${csr.dir}/req.csr`, "utf8"), ["CERTIFICATE REQUEST"])!],
    ocspRequests: [ocspRequest(issuerPem, leafDer, true, 1), ocspRequest(issuerPem, leafDer, false, 2)],
    signIn: { email: world.users.operatorA.email, password: world.users.operatorA.password, csrfToken, cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
  };

  // Requests the fuzzing found answered with a 500 before their fix; they run first, every time.
  const params: DoorParams = { frontdoorId: a.id, tokenId: used.id, certId: issued.id, caId: fuzzWorld.caIds[0] ?? "", token: spendable[0]!.token, request: ["AA=="] };
  const admin: [string, string][] = [["authorization", `Bearer ${world.keys.admin}`]];
  const example = (door: DoorName, method: string, over: Partial<Omit<FuzzRequest, "params">> & { params?: Partial<DoorParams> } = {}): [FuzzRequest, null] => [
    { door, method, query: [], headers: admin, body: undefined, ip: "192.0.2.1", ...over, params: { ...params, ...over.params } },
    null,
  ];
  const rsa = opensslCsr("rsa-2048");
  fuzzWorld.csrDers.push(fromPem(rsa.csrPem, ["CERTIFICATE REQUEST"])!);
  const berKeyRequest = toPem(requestWithBerKeyParameters(csrSeed(rsa.csrPem, createPrivateKey(rsa.keyPem))), "CERTIFICATE REQUEST");
  // Hash parameters that parse but cannot be echoed (an empty UTCTime): answering threw.
  const unechoable = Buffer.from(fuzzWorld.ocspRequests[1]!);
  const sha1WithNull = Buffer.from([0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00]);
  unechoable[unechoable.lastIndexOf(sha1WithNull) + 7] = 0x17;
  const body = (value: unknown) => new Uint8Array(Buffer.from(typeof value === "string" ? value : JSON.stringify(value)));
  regressions = [
    example("ocspGet", "GET", { params: { request: ["%"] } }), // decoded twice: URIError
    example("redeemPath", "POST", { params: { token: "%E0" }, body: body({ type: "CSR", value: "x" }) }), // decoded twice: URIError
    example("token", "GET", { params: { tokenId: "a\u0000b" } }), // NUL in a PostgreSQL text comparison
    example("certificate", "DELETE", { params: { certId: "\u0000" } }),
    example("tokens", "GET", { query: [["q", "\u0000"]] }),
    example("certificates", "GET", { query: [["q", "a\u0000"]] }),
    example("tokens", "POST", { body: body('{"name":"\\ud800"}') }), // an unpaired surrogate in the audit log's jsonb
    example("redeemBearer", "POST", { headers: [["authorization", `Bearer ${spendable[1]!.token}`]], body: body({ type: "CSR", value: berKeyRequest }) }), // BER key: RangeError when issuing
    example("ocspPost", "POST", { headers: [["content-type", "application/ocsp-request"]], body: new Uint8Array(unechoable) }),
  ];
});

/** Tokens and certificates, every column of every row, as one hash: what a refusal must not change. */
async function stateHash(): Promise<string> {
  const [row] = await getDb().$queryRaw<{ h: string }[]>`
    SELECT md5(coalesce((SELECT string_agg(t::text, '|' ORDER BY t."id") FROM "CertificateRequestToken" t), '')
            || coalesce((SELECT string_agg(c::text, '|' ORDER BY c."id") FROM "ClientCertificate" c), '')) AS h`;
  return row!.h;
}

/** Calls the door's handler as Next.js would; null when the route has no such method (Next.js answers 405 itself). */
async function send(request: FuzzRequest, cookie: string | null): Promise<{ status: number; headers: Headers; body: Uint8Array } | null> {
  const handler = ROUTES[request.door][request.method] as Handler | undefined;
  if (!handler) return null;
  const headers = new Headers([...request.headers, ...Object.entries(fromAddress(request.ip))]);
  if (cookie) headers.set("cookie", cookie);
  setRequestHeaders(headers);
  const req = new Request(`http://localhost${pathOf(request)}`, { method: request.method, headers, body: request.body as BodyInit | undefined });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS).unref());
  const response = await Promise.race([handler(req, { params: Promise.resolve(request.params) }), timeout]);
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

/**
 * What a certificate may only come from: a redemption or renewal certifies the key of
 * one of the world's requests (a mutated request passes only if what was signed is intact),
 * and a renewal only renews the certificate exactly as it was issued.
 */
function issuedProblems(request: FuzzRequest, answer: { status: number; body: Uint8Array }): string[] {
  if (answer.status !== 201 && !(request.door === "estEnroll" && answer.status === 200)) return [];
  const text = Buffer.from(answer.body).toString("utf8");
  const leafPem = request.door === "estEnroll" ? null : (JSON.parse(text) as { certificate: string }).certificate;
  const keys = fuzzWorld.csrDers.map((der) => Buffer.from(checkCsr(toPem(der, "CERTIFICATE REQUEST")).spkiDer).toString("hex"));
  if (leafPem && !keys.includes(new X509Certificate(leafPem).publicKey.export({ format: "der", type: "spki" }).toString("hex"))) return ["a certificate for a key none of the requests had"];
  if (request.door === "renew") {
    const sent = (JSON.parse(Buffer.from(request.body ?? []).toString("utf8")) as { certificate: string }).certificate;
    if (!Buffer.from(new X509Certificate(sent).raw).equals(Buffer.from(fuzzWorld.certificateDers[0]!))) return ["a renewal of a certificate that is not the one issued"];
  }
  return [];
}

const summary = (r: FuzzRequest) => `${r.method} ${pathOf(r).slice(0, 300)} headers=${JSON.stringify(r.headers).slice(0, 300)} body=${Buffer.from(r.body ?? []).toString("utf8").slice(0, 300)}`;

describe(`every door on generated requests (fast-check seed ${FUZZ_SEED})`, () => {
  it(`${REQUESTS} requests: no 5xx, failures in the contract's form, refusals change nothing`, { timeout: 300_000 }, async () => {
    const statuses = new Tally();
    const signedIn = await sessionCookie(world.users.auditor.user.id);
    await fc.assert(
      fc.asyncProperty(fuzzRequests(fuzzWorld), fc.constantFrom(null, null, signedIn), async (request, cookie) => {
        const before = await stateHash();
        const answer = await send(request, cookie);
        if (!answer) return void statuses.add(`${request.door} ${request.method}: no handler`);
        statuses.add(`${answer.status}`);
        if (process.env.FUZZ_VERBOSE) statuses.add(`${request.door} ${request.method} ${answer.status}`);
        expect([...contractProblems(request.door, request.method, answer), ...issuedProblems(request, answer)], summary(request)).toEqual([]);
        if (answer.status >= 400) expect(await stateHash(), `a ${answer.status} changed state: ${summary(request)}`).toBe(before);
      }),
      { numRuns: REQUESTS, seed: FUZZ_SEED, endOnFailure: true, examples: regressions },
    );
    console.log(`[fuzz] statuses: ${JSON.stringify(statuses.toJSON().outcomes)}`);
    // The generator must reach successes and refusals alike.
    expect([...statuses.counts.keys()].some((s) => s.startsWith("2"))).toBe(true);
    expect([...statuses.counts.keys()].filter((s) => s.startsWith("4")).length).toBeGreaterThan(3);
  });

  it("afterwards, the token nobody knew still previews and redeems, and its certificate verifies", async () => {
    const frontdoorId = world.frontdoors.a.id;
    const headers = fromAddress("192.0.2.77");
    const seen = await call(preview.POST, {}, { method: "POST", body: { frontdoorId, token: keeper.secret }, headers });
    expect(seen.status).toBe(200);
    expect(seen.body.token.name).toBe("keeper");
    const redeemed = await call(redeemBearer.POST, { frontdoorId }, { method: "POST", key: keeper.secret, body: { type: "CSR", value: opensslCsr("ec-p384").csrPem }, headers });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body.tokenId).toBe(keeper.id);
    expect(verifyClientCertificate(redeemed.body.certificate, redeemed.body.caCertificates)).toContain("OK");
    expect(new X509Certificate(redeemed.body.certificate).subject).toContain("CN=keeper.example.com");
  });
});
