import fc from "fast-check";
import { toPem } from "@/lib/pki/pem";
import { byteMutation, hostileDer, MAX_INPUT_BYTES } from "@/lib/testing/fuzz/der-mutations";
import { DOOR_NAMES, DOORS, type DoorName, type DoorParams, wellFormed } from "@/lib/testing/fuzz/doors";
import { hostilePem } from "@/lib/testing/fuzz/pem-mutations";

// Generated requests for every door: methods, paths, query strings, headers and bodies,
// mostly near-valid (real ids, keys, secrets, CSRs and certificates of the world under
// test, bodies with the right field names) and sometimes anything at all.

/** What the generator may use: the ids and credentials of the world under test. */
export type FuzzWorld = {
  frontdoorIds: string[];
  tokenIds: string[];
  certIds: string[];
  /** Issuing CA ids of the Frontdoors (may be empty: then only made-up ones are asked for). */
  caIds: string[];
  /** API keys, those that work first. */
  apiKeys: string[];
  /** Token secrets the generator may spend, active ones first; a "keeper" token must not be among them. */
  secrets: string[];
  csrDers: Uint8Array[];
  certificateDers: Uint8Array[];
  ocspRequests: Uint8Array[];
  /** A user who may sign in, and a CSRF token with its cookie as Auth.js handed them out. */
  signIn: { email: string; password: string; csrfToken: string; cookie: string };
};

export type FuzzRequest = {
  door: DoorName;
  method: string;
  params: DoorParams;
  query: [string, string][];
  headers: [string, string][];
  body: Uint8Array | undefined;
  /** The client address (in-process: the proven header; against a server: X-Forwarded-For). */
  ip: string;
};

const hostileText = fc.oneof(
  fc.constantFrom("", " ", "%", "%00", "%E0%A4%A", "%25", "\u0000", "a\u0000b", "\ud800", "\uffff", "..", "../../etc/passwd", "null", "[]", "{}", "__proto__", "constructor", "' OR '1'='1", "crt_", "cdk_", "token-", "cert-", "\u202e", "x".repeat(300), "9".repeat(400)),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.string({ unit: "grapheme", maxLength: 64 }),
);

/** Header values are Latin-1 without controls (fetch refuses anything else before it is sent). */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e\xa0-\xff]/g, "").trim();

/** Latin-1 without controls: what an HTTP header value can carry at all. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 200 });

const jsonish: fc.Arbitrary<unknown> = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));

/** Values that pass the token schema, in any script: so creation, change and audit writes are reached too. */
const plausibleToken = fc.record(
  {
    name: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
    commonName: fc.oneof(fc.domain(), fc.string({ unit: "grapheme", maxLength: 64 })),
    organization: fc.string({ unit: "grapheme-composite", maxLength: 30 }),
    validDays: fc.integer({ min: 1, max: 825 }),
    expiresAt: fc.integer({ min: 60_000, max: 29 * 86_400_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
  },
  { requiredKeys: ["name"] },
);

const anyTokenFields = fc.record(
  { name: jsonish, commonName: jsonish, organization: jsonish, organizationalUnit: jsonish, expiresAt: jsonish, validDays: fc.oneof(fc.integer({ min: -5, max: 900 }), jsonish), recipientEmail: jsonish, extra: jsonish },
  { requiredKeys: [] },
);
const tokenFields = fc.oneof(plausibleToken, anyTokenFields);

const base64Lines = (der: Uint8Array, width: number) => (Buffer.from(der).toString("base64").match(new RegExp(`.{1,${width}}`, "g")) ?? []).join("\r\n");
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const json = (value: unknown) => utf8(JSON.stringify(value) ?? "");

/** Any of the list, the first half twice as often: lists put what works first. */
const mostlyFirst = <T>(list: T[]) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...list.slice(0, Math.ceil(list.length / 2))) }, fc.constantFrom(...list));

const TOKEN_DOORS = new Set<DoorName>(["redeemPath", "redeemBearer", "preview", "estEnroll", "renew"]);

export function fuzzRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  // The first Frontdoor and the first secrets are the ones where requests can succeed: most go there.
  const frontdoorId = fc.oneof({ weight: 8, arbitrary: fc.constant(world.frontdoorIds[0]!) }, { weight: 3, arbitrary: fc.constantFrom(...world.frontdoorIds) }, fc.uuid(), hostileText);
  const secret = fc.oneof({ weight: 8, arbitrary: mostlyFirst(world.secrets) }, fc.stringMatching(/^crt_[0-9A-Za-z]{22,40}$/), hostileText);
  const csrText = fc.oneof(fc.constantFrom(...world.csrDers).map((der) => toPem(der, "CERTIFICATE REQUEST")), hostilePem(world.csrDers, "CERTIFICATE REQUEST"), hostileText);
  const certificateText = fc.oneof(
    fc.constantFrom(...world.certificateDers).map((der) => toPem(der, "CERTIFICATE")),
    fc.constantFrom(...world.certificateDers).chain(byteMutation).map((der) => toPem(der, "CERTIFICATE")),
    hostilePem(world.certificateDers, "CERTIFICATE"),
    hostileText,
  );
  const params: fc.Arbitrary<DoorParams> = fc.record({
    frontdoorId,
    tokenId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...world.tokenIds) }, fc.uuid().map((u) => `token-${u}`), hostileText),
    certId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...world.certIds) }, fc.uuid().map((u) => `cert-${u}`), hostileText),
    caId: fc.oneof(...(world.caIds.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...world.caIds) }] : []), { weight: 1, arbitrary: fc.uuid() }, { weight: 1, arbitrary: hostileText }),
    token: secret,
    request: fc.oneof(hostileDer(world.ocspRequests).map((der) => Buffer.from(der).toString("base64").split("/")), fc.array(hostileText, { minLength: 1, maxLength: 3 })),
  }).map((p) => ({ frontdoorId: wellFormed(p.frontdoorId), tokenId: wellFormed(p.tokenId), certId: wellFormed(p.certId), caId: wellFormed(p.caId), token: wellFormed(p.token), request: p.request.map(wellFormed) }));

  const queryValue = fc.oneof(
    fc.constantFrom("0", "1", "-1", "100", "101", "1e3", "1.5", "NaN", "Infinity", "99999999999999999999", "true", "false", "pem", "expired", "active", "redeemed", "revoked", "valid", "P7D", "7d", "PT0S", "P99999D", "createdAt,desc", "name,asc", "notAfter,DESC", "x,y", ","),
    frontdoorId,
    hostileText,
  );
  const queryKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("page", "size", "sort", "status", "q", "format", "dryRun", "olderThan", "expiringWithin", "renewed", "frontdoor") }, hostileText);

  // Management doors mostly get an API key, token doors mostly a secret; each sometimes the other or junk.
  const authorization = (isTokenDoor: boolean) =>
    fc.oneof(
      { weight: isTokenDoor ? 1 : 16, arbitrary: mostlyFirst(world.apiKeys).map((key) => `Bearer ${key}`) },
      { weight: isTokenDoor ? 6 : 1, arbitrary: secret.map((s) => `Bearer ${s}`) },
      { weight: isTokenDoor ? 3 : 1, arbitrary: fc.tuple(headerText, secret).map(([user, s]) => `Basic ${Buffer.from(`${user}:${s}`).toString("base64")}`) },
      headerText.map((t) => `Bearer ${t}`),
      headerText,
      { weight: 2, arbitrary: fc.constant(undefined) },
    );
  const headers = fc.record(
    {
      "content-type": fc.constantFrom("application/json", "text/csv", "text/csv; charset=utf-8", "application/ocsp-request", "application/pkcs10", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "*/*; q=x"),
      cookie: fc.oneof(fc.constant("authjs.session-token=eyJhbGciOiJkaXIifQ.garbage"), headerText),
      "if-none-match": fc.oneof(fc.constant('"x"'), headerText),
      "user-agent": headerText,
      accept: headerText,
    },
    { requiredKeys: [] },
  );

  const body = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) }, // replaced by the door's own body below
    fc.jsonValue().map(json),
    hostileText.map(utf8),
    fc.uint8Array({ maxLength: 512 }),
    fc.integer({ min: MAX_INPUT_BYTES - 8, max: MAX_INPUT_BYTES + 4096 }).map((n) => utf8(`{"name":"${"x".repeat(n)}"}`)),
  );
  const doorBody: Record<DoorName, fc.Arbitrary<Uint8Array | undefined>> = {
    tokens: tokenFields.map(json),
    token: tokenFields.map(json),
    tokenRotate: fc.constant(undefined),
    tokenBatch: fc.oneof(
      fc.array(tokenFields, { maxLength: 5 }).map((tokens) => json({ tokens })),
      fc.array(fc.array(fc.oneof(hostileText, fc.constant('"a,b"')), { maxLength: 8 }), { maxLength: 5 }).map((rows) =>
        utf8(["name,commonName,organization,organizationalUnit,recipientEmail,expiresAt,validDays", ...rows.map((r) => r.join(","))].join("\n")),
      ),
    ),
    tokensExport: fc.constant(undefined),
    certificates: fc.constant(undefined),
    certificate: fc.oneof(fc.constant(undefined), fc.record({ reason: fc.oneof(fc.constantFrom("keyCompromise", "superseded", "unspecified", "removeFromCRL"), jsonish) }, { requiredKeys: [] }).map(json)),
    renew: fc.record({ type: fc.oneof(fc.constant("CSR"), jsonish), value: csrText, certificate: certificateText }, { requiredKeys: [] }).map(json),
    redeemPath: fc.record({ type: fc.oneof({ weight: 4, arbitrary: fc.constant("CSR") }, jsonish), value: fc.oneof(csrText, jsonish) }, { requiredKeys: [] }).map(json),
    redeemBearer: fc.record({ type: fc.oneof({ weight: 4, arbitrary: fc.constant("CSR") }, jsonish), value: fc.oneof(csrText, jsonish) }, { requiredKeys: [] }).map(json),
    preview: fc.record({ frontdoorId: fc.oneof(frontdoorId, jsonish), token: fc.oneof(secret, jsonish) }, { requiredKeys: [] }).map(json),
    caPem: fc.constant(undefined),
    caCrt: fc.constant(undefined),
    crl: fc.constant(undefined),
    caByIdCrt: fc.constant(undefined),
    crlById: fc.constant(undefined),
    ocspPost: hostileDer(world.ocspRequests),
    ocspGet: fc.constant(undefined),
    estCacerts: fc.constant(undefined),
    signIn: fc
      .record(
        {
          email: fc.oneof(fc.constant(world.signIn.email), fc.constant(world.signIn.email.toUpperCase()), fc.emailAddress(), hostileText),
          password: fc.oneof(fc.constant(world.signIn.password), hostileText),
          csrfToken: fc.oneof({ weight: 3, arbitrary: fc.constant(world.signIn.csrfToken) }, hostileText),
          callbackUrl: fc.oneof(fc.constantFrom("/", "/tokens", "//evil.example", "https://evil.example/"), hostileText),
        },
        { requiredKeys: ["email", "password"] },
      )
      .map((form) => utf8(new URLSearchParams(Object.entries(form).map(([k, v]) => [k, wellFormed(v)])).toString())),
    estEnroll: fc.oneof(
      fc.tuple(hostileDer(world.csrDers), fc.constantFrom(64, 76, 100_000)).map(([der, width]) => utf8(base64Lines(der, width))),
      csrText.map(utf8),
    ),
  };

  return fc
    .record({
      door: fc.constantFrom(...DOOR_NAMES),
      anyMethod: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")),
      params,
      query: fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }),
      headers,
      body,
      ip: fc.ipV4(),
      pick: fc.nat(),
    })
    .chain((r) =>
      fc.tuple(doorBody[r.door], authorization(TOKEN_DOORS.has(r.door))).map(([own, auth]): FuzzRequest => {
        const method = r.anyMethod ?? DOORS[r.door].methods[r.pick % DOORS[r.door].methods.length]!;
        const payload = r.body ?? own;
        // Sign-in mostly comes as the login form posts it: form-encoded, with the CSRF cookie.
        const form = r.door === "signIn" && r.pick % 4 !== 0 ? { "content-type": "application/x-www-form-urlencoded", cookie: world.signIn.cookie } : {};
        return {
          door: r.door,
          method,
          params: r.params,
          query: r.query,
          headers: Object.entries({ ...r.headers, authorization: auth, ...form }).flatMap(([name, value]): [string, string][] => (value === undefined ? [] : [[name, headerSafe(value)]])),
          // Fetch refuses bodies on GET and HEAD, as browsers do.
          body: method === "GET" || method === "HEAD" ? undefined : payload,
          ip: r.ip,
        };
      }),
    );
}

/** The request's path and query, percent-encoded as a client would send it. */
export function pathOf(request: FuzzRequest): string {
  const path = DOORS[request.door].path(request.params);
  const search = new URLSearchParams(request.query).toString();
  return search ? `${path}${path.includes("?") ? "&" : "?"}${search}` : path;
}
