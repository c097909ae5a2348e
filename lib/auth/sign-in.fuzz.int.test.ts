import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as nextAuth from "@/app/api/auth/[...nextauth]/route";
import { makeUser } from "@/lib/testing/fixtures";
import { FUZZ_SEED } from "@/lib/testing/fuzz/settings";
import { Tally } from "@/lib/testing/fuzz/tally";
import { fromAddress } from "@/lib/testing/http";

// Password sign-in (Auth.js's credentials callback: CSRF check, our authorize with its three
// rate limits, argon2) on generated forms. Whatever is posted, the answer is a redirect or a
// 4xx, never a 5xx, and our authorize never throws (Auth.js would log a CallbackRouteError
// and send the user to error=Configuration); only the right password opens a session. Each
// attempt costs an argon2 check, so the run is small; bench/fuzz-http.ts posts many more.

const RUNS = Number(process.env.FUZZ_SIGNIN_RUNS ?? 80);
type Handler = (request: Request) => Promise<Response>;
const GET = nextAuth.GET as unknown as Handler;
const POST = nextAuth.POST as unknown as Handler;

let user: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  user = await makeUser("operator");
});

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]!);

/** A CSRF token and its cookie, as the login page gets them. */
async function csrf(ip: string): Promise<{ token: string; cookie: string }> {
  const response = await GET(new Request("http://localhost/api/auth/csrf", { headers: fromAddress(ip) }));
  return { token: ((await response.json()) as { csrfToken: string }).csrfToken, cookie: cookiesOf(response).join("; ") };
}

const hostile = fc.oneof(
  fc.constantFrom("", " ", "\u0000", "a\u0000@b", "x@\u0000", "\ud800@x", "@", "a@b", "ADMIN@LOCALHOST", "%00", "x".repeat(300), "' OR 1=1 --"),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.emailAddress(),
);

describe(`password sign-in on generated forms (fast-check seed ${FUZZ_SEED})`, () => {
  it(`${RUNS} attempts: a redirect or a 4xx, a session only for the right password`, { timeout: 300_000 }, async () => {
    const outcomes = new Tally();
    const logged = vi.spyOn(console, "error");
    const form = fc.record({
      email: fc.oneof(fc.constant(user.email), fc.constant(user.email.toUpperCase()), hostile),
      password: fc.oneof(fc.constant(user.password), fc.constant(`${user.password} `), hostile),
      withCsrf: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
      encoding: fc.constantFrom("form", "json", "garbage"),
      ip: fc.oneof(fc.ipV4(), fc.constant("203.0.113.9")),
      extra: fc.dictionary(fc.constantFrom("callbackUrl", "redirect", "csrfToken", "email", "__proto__", "x"), hostile, { maxKeys: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(form, async ({ email, password, withCsrf, encoding, ip, extra }) => {
        logged.mockClear();
        const { token, cookie } = await csrf(ip);
        const fields = { ...extra, email, password, ...(withCsrf ? { csrfToken: token } : {}) };
        const body = encoding === "form" ? new URLSearchParams(fields).toString() : encoding === "json" ? JSON.stringify(fields) : `${email}\u0000${password}`;
        const contentType = encoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
        const response = await POST(
          new Request("http://localhost/api/auth/callback/credentials", { method: "POST", body, headers: { ...fromAddress(ip), cookie, "content-type": contentType } }),
        );
        const location = response.headers.get("location") ?? "";
        outcomes.add(`${response.status} ${/[?&](error|code)=[^&]*/.exec(location)?.[0] ?? ""}`);
        expect(response.status, `${JSON.stringify(fields)} → ${location}`).toBeLessThan(500);
        const thrown = logged.mock.calls.map((args) => args.map(String).join(" ")).filter((line) => line.includes("CallbackRouteError"));
        expect(thrown, `authorize threw for ${JSON.stringify(fields)}`).toEqual([]);
        const hasSession = cookiesOf(response).some((c) => /^authjs\.session-token=./.test(c));
        const isRight = withCsrf && encoding !== "garbage" && email.trim().toLowerCase() === user.email && password === user.password;
        // The right password may still be refused when a limit applies; a wrong one never opens a session.
        if (!isRight) expect(hasSession, `a session for ${JSON.stringify(fields)}`).toBe(false);
      }),
      // Found by this property: a NUL in the email reached PostgreSQL (22021) and authorize threw.
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true, examples: [[{ email: "a\u0000@b", password: "x", withCsrf: true, encoding: "form", ip: "192.0.2.10", extra: {} }]] },
    );
    logged.mockRestore();
    console.log(`[fuzz] sign-in outcomes: ${JSON.stringify(outcomes.toJSON().outcomes)}`);
    expect([...outcomes.counts.keys()].some((k) => k.includes("CredentialsSignin"))).toBe(true);
  });

  it("afterwards, the right password from a fresh address still signs in", async () => {
    const ip = "198.51.100.250";
    const { token, cookie } = await csrf(ip);
    const body = new URLSearchParams({ email: user.email, password: user.password, csrfToken: token }).toString();
    const response = await POST(new Request("http://localhost/api/auth/callback/credentials", { method: "POST", body, headers: { ...fromAddress(ip), cookie, "content-type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(302);
    expect(cookiesOf(response).some((c) => /^authjs\.session-token=./.test(c))).toBe(true);
  });
});
