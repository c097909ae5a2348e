// The HTTP doors the fuzzing suite knocks on, by name: their path, their methods and what
// their failures look like. Transport-free, so the in-process test (route handlers called
// directly) and bench/fuzz-http.ts (a running production server) share one description.

export type DoorName =
  | "tokens"
  | "token"
  | "tokenRotate"
  | "tokenBatch"
  | "tokensExport"
  | "certificates"
  | "certificate"
  | "renew"
  | "redeemPath"
  | "redeemBearer"
  | "preview"
  | "caPem"
  | "caCrt"
  | "crl"
  | "caByIdCrt"
  | "crlById"
  | "ocspPost"
  | "ocspGet"
  | "estCacerts"
  | "estEnroll"
  | "signIn";

export type DoorParams = { frontdoorId: string; tokenId: string; certId: string; caId: string; token: string; request: string[] };

/** How a door answers a failure: problem+json (most), EST's `code: detail` text, Auth.js's redirects (sign-in). */
export type FailureMedium = "problem" | "est" | "redirect";

export type Door = { methods: string[]; path: (p: DoorParams) => string; failure: FailureMedium };

/** A path segment as a client sends it. URLs cannot carry lone surrogates: they become U+FFFD, as in `wellFormed`. */
const seg = (value: string) => encodeURIComponent(wellFormed(value));

/** The string a server decodes from what a client could send for `value` (lone surrogates become U+FFFD). */
export const wellFormed = (value: string) => Buffer.from(value, "utf8").toString("utf8");
const fd = (p: DoorParams) => `/frontdoor/${seg(p.frontdoorId)}`;

export const DOORS: Record<DoorName, Door> = {
  tokens: { methods: ["GET", "POST", "DELETE"], path: (p) => `${fd(p)}/certificate-request-tokens`, failure: "problem" },
  token: { methods: ["GET", "PATCH", "DELETE"], path: (p) => `${fd(p)}/certificate-request-tokens/${seg(p.tokenId)}`, failure: "problem" },
  tokenRotate: { methods: ["POST"], path: (p) => `${fd(p)}/certificate-request-tokens/${seg(p.tokenId)}/rotate`, failure: "problem" },
  tokenBatch: { methods: ["POST"], path: (p) => `${fd(p)}/certificate-request-tokens/batch`, failure: "problem" },
  tokensExport: { methods: ["GET"], path: (p) => `/tokens/export?frontdoor=${seg(p.frontdoorId)}`, failure: "problem" },
  certificates: { methods: ["GET"], path: (p) => `${fd(p)}/client-certificates`, failure: "problem" },
  certificate: { methods: ["GET", "DELETE"], path: (p) => `${fd(p)}/client-certificates/${seg(p.certId)}`, failure: "problem" },
  renew: { methods: ["POST"], path: (p) => `${fd(p)}/client-certificates/renew`, failure: "problem" },
  redeemPath: { methods: ["POST"], path: (p) => `${fd(p)}/client-certificates/token/${seg(p.token)}`, failure: "problem" },
  redeemBearer: { methods: ["POST"], path: (p) => `${fd(p)}/client-certificates/token`, failure: "problem" },
  preview: { methods: ["POST"], path: () => "/api/redeem/preview", failure: "problem" },
  caPem: { methods: ["GET"], path: (p) => `${fd(p)}/ca.pem`, failure: "problem" },
  caCrt: { methods: ["GET"], path: (p) => `${fd(p)}/ca.crt`, failure: "problem" },
  crl: { methods: ["GET"], path: (p) => `${fd(p)}/crl`, failure: "problem" },
  // A rotated-in CA's own addresses (CA rotation): its certificate and its CRL.
  caByIdCrt: { methods: ["GET"], path: (p) => `${fd(p)}/ca/${seg(p.caId)}.crt`, failure: "problem" },
  crlById: { methods: ["GET"], path: (p) => `${fd(p)}/crl/${seg(p.caId)}`, failure: "problem" },
  ocspPost: { methods: ["POST"], path: (p) => `${fd(p)}/ocsp`, failure: "problem" },
  // RFC 5019 clients leave "/" of the base64 unencoded: each part is its own segment.
  ocspGet: { methods: ["GET"], path: (p) => `${fd(p)}/ocsp/${p.request.map(seg).join("/")}`, failure: "problem" },
  estCacerts: { methods: ["GET"], path: (p) => `/.well-known/est/${seg(p.frontdoorId)}/cacerts`, failure: "est" },
  estEnroll: { methods: ["POST"], path: (p) => `/.well-known/est/${seg(p.frontdoorId)}/simpleenroll`, failure: "est" },
  // Password sign-in: Auth.js's credentials callback (CSRF check, then our authorize and its limits).
  signIn: { methods: ["POST"], path: () => "/api/auth/callback/credentials", failure: "redirect" },
};

export const DOOR_NAMES = Object.keys(DOORS) as DoorName[];
