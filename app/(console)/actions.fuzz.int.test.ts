import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as approvals from "@/app/(console)/approvals/actions";
import * as certificates from "@/app/(console)/certificates/actions";
import * as frontdoors from "@/app/(console)/frontdoors/actions";
import * as apiKeys from "@/app/(console)/settings/api-keys/actions";
import * as users from "@/app/(console)/settings/users/actions";
import * as tokens from "@/app/(console)/tokens/actions";
import type { ActionResult } from "@/lib/console/action";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { ERROR_STATUS } from "@/lib/domain/errors";
import { createToken } from "@/lib/domain/tokens";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { system } from "@/lib/testing/fixtures";
import { FUZZ_SEED } from "@/lib/testing/fuzz/settings";
import { Tally } from "@/lib/testing/fuzz/tally";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";
import { opensslCsr } from "@/lib/testing/openssl";

// Server actions called directly, as a hostile client can (any arguments of any shape, with
// or without a session). next/headers gets the simulated request's cookies, so the real
// chain runs: Auth.js decodes the session cookie, the principal is loaded, the domain
// decides. Signed out, every action answers `unauthenticated`; signed in, an action may
// refuse with any contract code but never `internal` (an exception it did not expect), and
// a refusal changes nothing.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const RUNS = Number(process.env.FUZZ_ACTION_RUNS ?? 300);
type Action = (...args: never[]) => Promise<ActionResult<unknown>>;

let world: Awaited<ReturnType<typeof apiWorld>>;
let ids: { tokenIds: string[]; certIds: string[] };
beforeAll(async () => {
  world = await apiWorld();
  const { a } = world.frontdoors;
  const made = await Promise.all([1, 2, 3].map((i) => createToken(system, a.id, { name: `action-${i}`, commonName: `action-${i}.example.com` })));
  const issued = await redeemToken({ frontdoorId: a.id, secret: made[0]!.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
  ids = { tokenIds: made.map((t) => t.id), certIds: [issued.id] };
});

/** Every row the console can change, as one hash: a refusal must leave it as it was. */
async function stateHash(): Promise<string> {
  const [row] = await getDb().$queryRaw<{ h: string }[]>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(t::text, '|' ORDER BY t."id") FROM "CertificateRequestToken" t),
      (SELECT string_agg(c::text, '|' ORDER BY c."id") FROM "ClientCertificate" c),
      (SELECT string_agg(f::text, '|' ORDER BY f."id") FROM "Frontdoor" f),
      (SELECT string_agg(u::text, '|' ORDER BY u."id") FROM "User" u),
      (SELECT string_agg(k::text, '|' ORDER BY k."id") FROM "ApiKey" k))) AS h`;
  return row!.h;
}

const hostile = fc.oneof(
  fc.constantFrom("", "\u0000", "a\u0000b", "\ud800", "%00", "__proto__", "x".repeat(300), "admin", "operator"),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(hostile, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(hostile, { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/** Each action with arguments that are near-valid (real ids, the right field names) or anything at all. */
function actions(): [string, Action, fc.Arbitrary<unknown[]>][] {
  const fd = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.values(world.frontdoors).map((f) => f.id)) }, fc.uuid(), anyValue);
  const tokenId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids.tokenIds) }, fc.uuid().map((u) => `token-${u}`), anyValue);
  const certId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids.certIds) }, anyValue);
  const userId = fc.oneof(fc.constantFrom(...Object.values(world.users).map((u) => u.user.id)), fc.uuid(), anyValue);
  const loose = <T>(record: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: record }, anyValue);
  const role = fc.oneof(fc.constantFrom("admin", "operator", "auditor"), anyValue);
  const csv = fc.oneof(fc.array(fc.array(hostile, { maxLength: 7 }), { maxLength: 4 }).map((rows) => ["name,commonName,validDays", ...rows.map((r) => r.join(","))].join("\n")), anyValue);
  return [
    ["revokeCertificateAction", certificates.revokeCertificateAction as Action, fc.tuple(fd, certId, loose(fc.record({ reason: fc.oneof(fc.constantFrom("keyCompromise", "superseded"), anyValue) })))],
    ["createFrontdoorAction", frontdoors.createFrontdoorAction as Action, fc.tuple(loose(fc.record({ name: hostile, tcpSharesEnabled: anyValue }, { requiredKeys: [] })))],
    ["updateFrontdoorAction", frontdoors.updateFrontdoorAction as Action, fc.tuple(fd, loose(fc.record({ name: hostile, tcpSharesEnabled: fc.oneof(fc.boolean(), anyValue), renewalWindowDays: fc.oneof(fc.integer(), anyValue) }, { requiredKeys: [] })))],
    ["createApiKeyAction", apiKeys.createApiKeyAction as Action, fc.tuple(loose(fc.record({ name: hostile, ownerEmail: fc.oneof(fc.emailAddress(), hostile) }, { requiredKeys: [] })))],
    ["revokeApiKeyAction", apiKeys.revokeApiKeyAction as Action, fc.tuple(fc.oneof(fc.uuid(), anyValue))],
    ["createUserAction", users.createUserAction as Action, fc.tuple(loose(fc.record({ email: fc.oneof(fc.emailAddress(), hostile), name: hostile, role, password: hostile, frontdoorIds: fc.oneof(fc.array(fd, { maxLength: 2 }), anyValue) }, { requiredKeys: [] })))],
    ["updateUserAction", users.updateUserAction as Action, fc.tuple(loose(fc.record({ userId, role, name: hostile, frontdoorIds: fc.array(fd, { maxLength: 2 }), isDisabled: fc.oneof(fc.boolean(), anyValue) }, { requiredKeys: [] })))],
    ["createTokenAction", tokens.createTokenAction as Action, fc.tuple(fd, loose(fc.record({ name: hostile, commonName: hostile, validDays: fc.oneof(fc.integer(), anyValue), expiresAt: anyValue }, { requiredKeys: [] })))],
    ["revokeTokensAction", tokens.revokeTokensAction as Action, fc.tuple(fd, fc.array(tokenId, { maxLength: 3 }))],
    ["expireTokenAction", tokens.expireTokenAction as Action, fc.tuple(fd, tokenId)],
    ["extendTokenAction", tokens.extendTokenAction as Action, fc.tuple(fd, tokenId, fc.oneof(fc.integer(), anyValue))],
    ["previewPurgeAction", tokens.previewPurgeAction as Action, fc.tuple(fd)],
    ["purgeTokensAction", tokens.purgeTokensAction as Action, fc.tuple(fd)],
    ["rotateTokenAction", tokens.rotateTokenAction as Action, fc.tuple(fd, tokenId)],
    ["createTokenBatchAction", tokens.createTokenBatchAction as Action, fc.tuple(fd, csv)],
    ["rotateCaAction", frontdoors.rotateCaAction as Action, fc.tuple(fd)],
    ["previewTokenBatchAction", tokens.previewTokenBatchAction as Action, fc.tuple(fd, csv)],
    ["answerTokenAction", approvals.answerTokenAction as Action, fc.tuple(fd, tokenId, loose(fc.record({ decision: fc.oneof(fc.constantFrom("approve", "reject"), anyValue), comment: anyValue }, { requiredKeys: [] })))],
    ["approveBatchAction", approvals.approveBatchAction as Action, fc.tuple(fd, fc.oneof(fc.array(tokenId, { maxLength: 3 }), anyValue), anyValue)],
  ];
}

/**
 * A fault this test found and that stays by design: a bulk revoke goes token by token, so a
 * later refusal is reported after earlier tokens were revoked. Tolerated only for exactly
 * these arguments. (The `internal` answers it found, a NUL in an id and hours that are not a
 * number, are fixed: lib/console/action.ts's textArg and extendTokenAction's check.)
 */
const KNOWN: { action: string; fault: "internal" | "partial"; why: string; matches: (args: unknown[]) => boolean }[] = [
  { action: "revokeTokensAction", fault: "partial", why: "revokes one by one: a later refusal is reported after earlier tokens were revoked", matches: (args) => Array.isArray(args[1]) && args[1].length > 1 },
];
const isKnown = (fault: "internal" | "partial", name: string, args: unknown[]) => KNOWN.some((k) => k.fault === fault && k.action === name && k.matches(args));

const call = (fn: Action, args: unknown[]) => (fn as (...a: unknown[]) => Promise<ActionResult<unknown>>)(...args);
const pick = () => fc.constantFrom(...actions()).chain(([name, fn, args]) => args.map((a) => ({ name, fn, args: a })));

describe(`server actions called directly (fast-check seed ${FUZZ_SEED})`, () => {
  it("signed out or with a forged session: every action answers unauthenticated and changes nothing", async () => {
    const before = await stateHash();
    await fc.assert(
      fc.asyncProperty(pick(), fc.constantFrom("", "authjs.session-token=forged", "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..x.y.z"), async ({ name, fn, args }, cookie) => {
        setRequestHeaders(cookie ? { cookie } : {});
        expect(await call(fn, args), name).toMatchObject({ ok: false, code: "unauthenticated" });
      }),
      { numRuns: 100, seed: FUZZ_SEED, endOnFailure: true },
    );
    expect(await stateHash()).toBe(before);
  });

  it(`signed in, ${RUNS} calls: a result, never internal; a refusal changes nothing`, { timeout: 300_000 }, async () => {
    const outcomes = new Tally();
    const sessions = await Promise.all([world.users.admin, world.users.operatorA, world.users.auditor].map((u) => sessionCookie(u.user.id)));
    // Calls this test found answered `internal` before their fix; they run first, every time.
    const fd = world.frontdoors.a.id;
    const regressions: [{ name: string; fn: Action; args: unknown[] }, string][] = [
      [{ name: "revokeCertificateAction", fn: certificates.revokeCertificateAction as Action, args: [fd, "\u0000", {}] }, sessions[0]!],
      [{ name: "createTokenAction", fn: tokens.createTokenAction as Action, args: [fd, { name: "\ud800" }] }, sessions[0]!],
      [{ name: "updateUserAction", fn: users.updateUserAction as Action, args: [{ userId: world.users.auditor.user.id, name: "a\u0000b" }] }, sessions[0]!],
      [{ name: "createApiKeyAction", fn: apiKeys.createApiKeyAction as Action, args: [{ name: "\u0000" }] }, sessions[0]!],
      [{ name: "extendTokenAction", fn: tokens.extendTokenAction as Action, args: [fd, ids.tokenIds[0], "soon"] }, sessions[0]!],
      [{ name: "rotateTokenAction", fn: tokens.rotateTokenAction as Action, args: [fd, "token-\u0000"] }, sessions[0]!],
      [{ name: "expireTokenAction", fn: tokens.expireTokenAction as Action, args: [fd, Object.create(null)] }, sessions[0]!],
      [{ name: "revokeTokensAction", fn: tokens.revokeTokensAction as Action, args: [fd, "not a list"] }, sessions[0]!],
    ];
    await fc.assert(
      fc.asyncProperty(pick(), fc.constantFrom(...sessions), async ({ name, fn, args }, cookie) => {
        setRequestHeaders({ cookie });
        const before = await stateHash();
        const result = await call(fn, args);
        outcomes.add(result.ok ? `${name} ok` : `${name} ${result.code}`);
        const summary = `${name}(${JSON.stringify(args)?.slice(0, 400)})`;
        if (result.ok) return;
        const isKnownInternal = result.code === "internal" && isKnown("internal", name, args);
        expect(isKnownInternal || (Object.hasOwn(ERROR_STATUS, result.code) && result.code !== "internal"), `${summary} → ${result.code}: ${result.message}`).toBe(true);
        if (!isKnown("partial", name, args)) expect(await stateHash(), `${summary} was refused (${result.code}) but changed state`).toBe(before);
      }),
      { numRuns: RUNS, seed: FUZZ_SEED, endOnFailure: true, examples: regressions },
    );
    console.log(`[fuzz] action outcomes: ${JSON.stringify(outcomes.toJSON().outcomes)}`);
    expect([...outcomes.counts.keys()].some((k) => k.endsWith(" ok"))).toBe(true);
  });
});
