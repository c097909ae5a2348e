// A minimal OpenID Connect provider for the sign-in tests: discovery, an authorization
// page where the tester types the email to sign in as (and, to play a careless or hostile
// provider, the subject and whether the email is vouched for; and the `amr` methods the
// provider says it used, e.g. "pwd,mfa"), a token endpoint returning an RS256-signed ID
// token, and the JWKS. Plain HTTP on loopback only.
//
// Usage: node e2e/support/oidc-provider.mjs --port 3299
import { randomBytes } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

const { values } = parseArgs({ options: { port: { type: "string", default: "3299" } } });
const port = Number(values.port);
const issuer = `http://127.0.0.1:${port}`;
const { publicKey, privateKey } = await generateKeyPair("RS256");
const jwk = { ...(await exportJWK(publicKey)), kid: "test", alg: "RS256", use: "sig" };
const codes = new Map(); // code -> { email, subject, verified, amr, clientId, nonce }
const accessTokens = new Map(); // access token -> grant

const json = (res, status, body) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

/** The profile claims; email_verified as the tester chose: true, false, or left out. */
const claims = (grant) => ({ email: grant.email, name: grant.email, ...(grant.verified === "omit" ? {} : { email_verified: grant.verified === "true" }) });

async function body(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

http
  .createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      });
    }
    if (url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
    if (url.pathname === "/authorize" && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "text/html" });
      const hidden = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, "&quot;")}">`).join("");
      return res.end(`<!doctype html><title>Test IdP</title><form method="post" action="/authorize">${hidden}<label>Email <input name="email"></label><label>Subject <input name="sub"></label><label>Email verified <select name="verified"><option>true</option><option>false</option><option>omit</option></select></label><label>Methods used (amr) <input name="amr"></label><button>Sign in at the IdP</button></form>`);
    }
    if (url.pathname === "/authorize" && req.method === "POST") {
      const form = await body(req);
      if (!form.get("email")) return json(res, 400, { error: "email required" });
      const code = randomBytes(16).toString("hex");
      const email = form.get("email");
      codes.set(code, { email, subject: form.get("sub") || `sub-${email}`, verified: form.get("verified") ?? "true", amr: (form.get("amr") ?? "").split(",").map((m) => m.trim()).filter(Boolean), clientId: form.get("client_id"), nonce: form.get("nonce") });
      const back = new URL(form.get("redirect_uri"));
      back.searchParams.set("code", code);
      if (form.get("state")) back.searchParams.set("state", form.get("state"));
      back.searchParams.set("iss", issuer);
      res.writeHead(302, { Location: back.href });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      const form = await body(req);
      const grant = codes.get(form.get("code"));
      codes.delete(form.get("code"));
      if (!grant) return json(res, 400, { error: "invalid_grant" });
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      const clientId = decodeURIComponent(basic.split(":")[0] || form.get("client_id") || "");
      const idToken = await new SignJWT({ ...claims(grant), ...(grant.amr.length ? { amr: grant.amr } : {}), ...(grant.nonce ? { nonce: grant.nonce } : {}) })
        .setProtectedHeader({ alg: "RS256", kid: "test" })
        .setIssuer(issuer)
        .setSubject(grant.subject)
        .setAudience(clientId)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
      const accessToken = randomBytes(16).toString("hex");
      accessTokens.set(accessToken, grant);
      return json(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    if (url.pathname === "/userinfo") {
      const grant = accessTokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      if (!grant) return json(res, 401, { error: "invalid_token" });
      return json(res, 200, { sub: grant.subject, ...claims(grant) });
    }
    if (url.pathname === "/health") return json(res, 200, { ok: true });
    json(res, 404, { error: "not_found" });
  })
  .listen(port, "127.0.0.1", () => console.log(`[test-idp] ${issuer}`));
