import { describe, expect, it } from "vitest";
import { authenticateApiKey, createApiKey } from "@/lib/domain/access/api-keys";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { answerToken, createToken, createTokenBatch, listTokens, rotateToken, updateToken } from "@/lib/domain/tokens";
import { countApprovalsForMe, listPendingApprovals } from "@/lib/domain/tokens/approval-queue";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";
import * as answerRoute from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/[tokenId]/approvals/route";
import * as redeemRoute from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";

// The two-person rule against the ways around it an independent review found: nobody approves
// what they wrote (creator, editors, makers of the key it was written with), an approval is
// given to the content the approver saw, and a token from before the policy cannot be changed
// or kept alive without it.

const csr = opensslCsr("ec-p256").csrPem;
let address = 0;
const redeem = (frontdoorId: string, secret: string) =>
  call(redeemRoute.POST, { frontdoorId }, { method: "POST", key: secret, body: { type: "CSR", value: csr }, headers: fromAddress(`198.51.100.${(address++ % 200) + 1}`) });
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: { code?: string }) => error.code ?? String(error));

async function world(required: number) {
  const frontdoor = await makeFrontdoor();
  await updateFrontdoor(system, frontdoor.id, { approvals: { required } });
  const alice = await makeUser("operator", [frontdoor.id]);
  const bob = await makeUser("operator", [frontdoor.id]);
  const carol = await makeUser("admin");
  return { frontdoorId: frontdoor.id, alice, bob, carol };
}

describe("who may not approve", () => {
  it("someone who changed what a pending token's certificate says cannot approve it (and cannot redeem it alone)", async () => {
    const w = await world(1);
    const t = await createToken(w.alice.principal, w.frontdoorId, { name: "alice laptop", commonName: "alice-laptop.example.com" });
    await updateToken(w.bob.principal, w.frontdoorId, t.id, { commonName: "db-admin.example.com" });
    expect(await refusal(answerToken(w.bob.principal, w.frontdoorId, t.id, { decision: "approve" }))).toBe("approval_not_allowed");
    expect(await refusal(answerToken(w.alice.principal, w.frontdoorId, t.id, { decision: "approve" }))).toBe("approval_not_allowed");
    const rotated = await rotateToken(w.bob.principal, w.frontdoorId, t.id);
    expect((await redeem(w.frontdoorId, rotated.token)).body.code).toBe("token_pending_approval");
    expect((await listPendingApprovals(w.bob.principal, { frontdoorId: w.frontdoorId }))[0]!.cannotAnswer).toMatch(/changed what its certificate will say/);
    expect((await answerToken(w.carol.principal, w.frontdoorId, t.id, { decision: "approve" })).status).toBe("active");
  });

  it("the same for a token already approved: the editor's change reopens it and the editor cannot approve it again", async () => {
    const w = await world(1);
    const t = await createToken(w.alice.principal, w.frontdoorId, { name: "alice laptop", commonName: "alice-laptop.example.com" });
    await answerToken(w.carol.principal, w.frontdoorId, t.id, { decision: "approve" });
    await updateToken(w.bob.principal, w.frontdoorId, t.id, { commonName: "db-admin.example.com" });
    expect(await refusal(answerToken(w.bob.principal, w.frontdoorId, t.id, { decision: "approve" }))).toBe("approval_not_allowed");
  });

  it("an API key made for someone else cannot answer, and its maker counts as an author of what it creates", async () => {
    const w = await world(1);
    const admin = await makeUser("admin");
    const t = await createToken(admin.principal, w.frontdoorId, { name: "mine", commonName: "mine.example.com" });
    const { key: forBob } = await createApiKey(admin.principal, { name: "for-bob", ownerEmail: w.bob.email });
    const viaKey = await call(answerRoute.POST, { frontdoorId: w.frontdoorId, tokenId: t.id }, { method: "POST", key: forBob, body: { decision: "approve" } });
    expect([viaKey.status, viaKey.body.code]).toEqual([403, "approval_not_allowed"]);
    expect((await redeem(w.frontdoorId, t.token)).body.code).toBe("token_pending_approval");
    // The other way round: created with the key made for Bob, approved by the key's maker.
    const bobByAdminsKey = (await authenticateApiKey(forBob))!;
    const other = await createToken(bobByAdminsKey, w.frontdoorId, { name: "via key", commonName: "via-key.example.com" });
    expect(await refusal(answerToken(admin.principal, w.frontdoorId, other.id, { decision: "approve" }))).toBe("approval_not_allowed");
    // Bob's own key works.
    const { key: bobsOwn } = await createApiKey(w.bob.principal, { name: "bob's" });
    const own = await call(answerRoute.POST, { frontdoorId: w.frontdoorId, tokenId: t.id }, { method: "POST", key: bobsOwn, body: { decision: "approve" } });
    expect([own.status, own.body.status]).toEqual([200, "active"]);
  });

  it("tokens with no creator (made by the CLI) count for every approver", async () => {
    const w = await world(1);
    await createToken(system, w.frontdoorId, { name: "cli", commonName: "cli.example.com" });
    expect(await countApprovalsForMe(w.carol.principal)).toBeGreaterThanOrEqual(1);
    expect((await listPendingApprovals(w.carol.principal, { frontdoorId: w.frontdoorId })).filter((p) => p.cannotAnswer === null)).toHaveLength(1);
  });
});

describe("what is approved", () => {
  it("an answer to the version an approver saw is refused once the token says something else", async () => {
    const w = await world(1);
    const t = await createToken(w.alice.principal, w.frontdoorId, { name: "x", commonName: "benign.example.com" });
    const [seen] = await listPendingApprovals(w.carol.principal, { frontdoorId: w.frontdoorId });
    expect([seen!.token.commonName, seen!.token.contentVersion]).toEqual(["benign.example.com", 1]);
    await updateToken(w.alice.principal, w.frontdoorId, t.id, { commonName: "evil.example.com" });
    expect(await refusal(answerToken(w.carol.principal, w.frontdoorId, t.id, { decision: "approve", contentVersion: 1 }))).toBe("conflict");
    expect((await answerToken(w.carol.principal, w.frontdoorId, t.id, { decision: "approve", contentVersion: 2 })).commonName).toBe("evil.example.com");
  });

  it("a token from before the policy is brought under it when what it says changes or its life is extended", async () => {
    const frontdoor = await makeFrontdoor();
    const bob = await makeUser("operator", [frontdoor.id]);
    const old = await createToken(bob.principal, frontdoor.id, { name: "old", commonName: "printer.example.com" });
    const older = await createToken(bob.principal, frontdoor.id, { name: "older", commonName: "scanner.example.com" });
    await updateFrontdoor(system, frontdoor.id, { approvals: { required: 2 } });
    const changed = await updateToken(bob.principal, frontdoor.id, old.id, { commonName: "anything.example.com" });
    expect(changed).toMatchObject({ status: "pending_approval", approvalsRequired: 2 });
    const extended = await updateToken(bob.principal, frontdoor.id, older.id, { expiresAt: new Date(Date.now() + 29 * 86_400_000).toISOString() });
    expect(extended).toMatchObject({ status: "pending_approval", approvalsRequired: 2 });
    expect((await redeem(frontdoor.id, (await rotateToken(bob.principal, frontdoor.id, old.id)).token)).body.code).toBe("token_pending_approval");
    // A change that neither says more nor lives longer leaves an old token as it was.
    const third = await createToken(system, (await makeFrontdoor()).id, { name: "n", commonName: "n.example.com" });
    expect((await updateToken(system, third.frontdoorId, third.id, { name: "renamed" })).status).toBe("active");
  });
});

describe("lists", () => {
  it("status=active with a broad search (over 1,000 matches) lists no pending token", async () => {
    const frontdoor = await makeFrontdoor();
    const op = await makeUser("operator", [frontdoor.id]);
    await createTokenBatch(op.principal, frontdoor.id, { json: { tokens: Array.from({ length: 1000 }, (_, i) => ({ name: `dev-a${i}`, commonName: `a${i}.example.com` })) } });
    await createTokenBatch(op.principal, frontdoor.id, { json: { tokens: [{ name: "dev-b", commonName: "b.example.com" }] } });
    await updateFrontdoor(system, frontdoor.id, { approvals: { required: 1 } });
    await createTokenBatch(op.principal, frontdoor.id, { json: { tokens: Array.from({ length: 5 }, (_, i) => ({ name: `dev-p${i}`, commonName: `p${i}.example.com` })) } });
    const active = await listTokens(op.principal, frontdoor.id, { status: "active", q: "dev", size: 100, sort: "createdAt,desc" });
    expect(active.totalElements).toBe(1001);
    expect(active.content.filter((t) => t.status !== "active")).toEqual([]);
  });
});
