import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { dashboardStats } from "@/lib/domain/dashboard";
import { getFrontdoor, updateFrontdoor } from "@/lib/domain/frontdoors";
import { answerToken, createToken, createTokenBatch, getToken, listTokens, updateToken } from "@/lib/domain/tokens";
import { answerTokens, countApprovalsForMe, listPendingApprovals } from "@/lib/domain/tokens/approval-queue";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";
import * as answerRoute from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/[tokenId]/approvals/route";
import * as redeemRoute from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";

// CONTRACT "Approvals": the two-person rule, through the domain and the REST doors, on the
// real database.

type World = Awaited<ReturnType<typeof world>>;

async function world(required: number) {
  const frontdoor = await makeFrontdoor();
  await updateFrontdoor(system, frontdoor.id, { approvals: { required } });
  const creator = await makeUser("operator", [frontdoor.id]);
  const admin = await makeUser("admin");
  const member = await makeUser("operator", [frontdoor.id]);
  const outsider = await makeUser("operator");
  const auditor = await makeUser("auditor");
  return { frontdoorId: frontdoor.id, creator, admin, member, outsider, auditor };
}

const csr = opensslCsr("ec-p256").csrPem;
let address = 0;
const redeem = (frontdoorId: string, secret: string) =>
  call(redeemRoute.POST, { frontdoorId }, { method: "POST", key: secret, body: { type: "CSR", value: csr }, headers: fromAddress(`192.0.2.${(address++ % 200) + 1}`) });

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: { code?: string; message?: string }) => ({ code: error.code, message: error.message }));
const events = (targetId: string) => getDb().auditEvent.findMany({ where: { targetId }, orderBy: { id: "asc" }, select: { action: true, details: true, actorLabel: true } });

describe("approvals", () => {
  let w: World;
  beforeAll(async () => {
    w = await world(2);
  });

  it("a Frontdoor's policy is read and changed like its other settings, and audited", async () => {
    expect((await getFrontdoor(system, w.frontdoorId)).approvals).toEqual({ required: 2 });
    const changed = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: w.frontdoorId, action: "frontdoor.updated" }, select: { details: true } });
    expect(changed.details).toEqual({ before: { approvals: { required: 0 } }, after: { approvals: { required: 2 } } });
    await expect(updateFrontdoor(system, w.frontdoorId, { approvals: { required: 6 } })).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("a new token is pending: its secret is given, redemption and preview say how many more approvals it waits for", async () => {
    const token = await createToken(w.creator.principal, w.frontdoorId, { name: "laptop", commonName: "laptop.example.com" });
    expect(token).toMatchObject({ status: "pending_approval", approvalsRequired: 2, approvalCount: 0 });
    expect(token.token).toMatch(/^crt_/);
    const refused = await redeem(w.frontdoorId, token.token);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "token_pending_approval" });
    expect(refused.body.detail).toContain("2 more people");
    const requested = (await events(token.id)).find((e) => e.action === "token.approval_requested");
    expect(requested?.details).toEqual({ approvalsRequired: 2 });
    expect(await getDb().certificateRequestToken.count({ where: { id: token.id, redeemedAt: { not: null } } })).toBe(0);
  });

  it("refuses the creator, an auditor, the CLI and a second answer by the same person; counts distinct approvers; then redeems", async () => {
    const token = await createToken(w.creator.principal, w.frontdoorId, { name: "server", commonName: "server.example.com" });
    expect(await refusal(answerToken(w.creator.principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "approval_not_allowed" });
    expect(await refusal(answerToken(w.auditor.principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "approval_not_allowed" });
    expect(await refusal(answerToken(system, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "approval_not_allowed" });
    expect(await refusal(answerToken(w.outsider.principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "frontdoor_not_found" });

    const once = await answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "approve", comment: "  checked the ticket  " });
    expect(once).toMatchObject({ status: "pending_approval", approvalCount: 1 });
    expect((await redeem(w.frontdoorId, token.token)).body.detail).toContain("1 more person");
    expect(await refusal(answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "approval_not_allowed" });
    expect(await refusal(answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "reject" }))).toMatchObject({ code: "approval_not_allowed" });

    const twice = await answerToken(w.member.principal, w.frontdoorId, token.id, { decision: "approve" });
    expect(twice).toMatchObject({ status: "active", approvalCount: 2 });
    expect(twice.approvedAt).toBeInstanceOf(Date);
    const detail = await getToken(w.admin.principal, w.frontdoorId, token.id);
    expect(detail.approvals).toEqual([
      { by: w.admin.email, at: expect.any(Date), decision: "approve", comment: "checked the ticket" },
      { by: w.member.email, at: expect.any(Date), decision: "approve", comment: null },
    ]);
    const answered = (await events(token.id)).map((e) => e.action).filter((a) => a !== "token.redeem_failed");
    expect(answered).toEqual(["token.created", "token.approval_requested", "token.approval_given", "token.approved"]);

    const issued = await redeem(w.frontdoorId, token.token);
    expect(issued.status).toBe(201);
    expect(await refusal(answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "reject" }))).toMatchObject({ code: "token_not_pending" });
  });

  it("one rejection rejects for good, even past the token's expiry", async () => {
    const token = await createToken(w.creator.principal, w.frontdoorId, { name: "rejected", commonName: "rejected.example.com" });
    await answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "approve" });
    const rejected = await answerToken(w.member.principal, w.frontdoorId, token.id, { decision: "reject", comment: "not in the inventory" });
    expect(rejected).toMatchObject({ status: "rejected", approvalCount: 1 });
    const refused = await redeem(w.frontdoorId, token.token);
    expect([refused.status, refused.body.code]).toEqual([409, "token_rejected"]);
    expect(await refusal(answerToken((await makeUser("admin")).principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "token_not_pending" });
    expect(await refusal(updateToken(w.creator.principal, w.frontdoorId, token.id, { name: "again" }))).toMatchObject({ code: "token_not_active" });
    const rejectedEvent = (await events(token.id)).find((e) => e.action === "token.rejected");
    expect(rejectedEvent?.details).toMatchObject({ decision: "reject", comment: "not in the inventory" });
    await getDb().certificateRequestToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getToken(system, w.frontdoorId, token.id)).status).toBe("rejected");
  });

  it("a pending token still expires", async () => {
    const token = await createToken(w.creator.principal, w.frontdoorId, { name: "late", commonName: "late.example.com" });
    await getDb().certificateRequestToken.update({ where: { id: token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await getToken(system, w.frontdoorId, token.id)).status).toBe("expired");
    expect(await refusal(answerToken(w.admin.principal, w.frontdoorId, token.id, { decision: "approve" }))).toMatchObject({ code: "token_not_pending" });
    expect((await redeem(w.frontdoorId, token.token)).body.code).toBe("token_expired");
  });

  it("a change to what the certificate says sends an approved token back to pending, its answers cleared", async () => {
    const one = await world(1);
    const token = await createToken(one.creator.principal, one.frontdoorId, { name: "changed", commonName: "before.example.com" });
    await answerToken(one.admin.principal, one.frontdoorId, token.id, { decision: "approve" });
    // A change that leaves the certificate alone keeps the approval.
    expect((await updateToken(one.creator.principal, one.frontdoorId, token.id, { recipientEmail: "someone@example.com" })).status).toBe("active");
    const changed = await updateToken(one.creator.principal, one.frontdoorId, token.id, { commonName: "after.example.com" });
    expect(changed).toMatchObject({ status: "pending_approval", approvalCount: 0, approvedAt: null });
    expect((await getToken(system, one.frontdoorId, token.id)).approvals).toEqual([]);
    expect((await redeem(one.frontdoorId, token.token)).body.code).toBe("token_pending_approval");
    expect((await events(token.id)).filter((e) => e.action === "token.approval_requested").map((e) => e.details)).toEqual([{ approvalsRequired: 1 }, { approvalsRequired: 1, reason: "changed" }]);
    // The same approver may approve the new content.
    expect((await answerToken(one.admin.principal, one.frontdoorId, token.id, { decision: "approve" })).status).toBe("active");
  });

  it("racing for the last approval makes one active transition and one token.approved", async () => {
    const one = await world(1);
    const token = await createToken(one.creator.principal, one.frontdoorId, { name: "race", commonName: "race.example.com" });
    const approvers = await Promise.all(Array.from({ length: 6 }, () => makeUser("admin")));
    const outcomes = await Promise.all(approvers.map((a) => refusal(answerToken(a.principal, one.frontdoorId, token.id, { decision: "approve" }))));
    expect(outcomes.filter((o) => o === null)).toHaveLength(1);
    expect(outcomes.filter((o) => o?.code === "token_not_pending")).toHaveLength(5);
    const row = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: token.id }, select: { approvalCount: true, approvedAt: true } });
    expect(row.approvalCount).toBe(1);
    expect((await events(token.id)).filter((e) => e.action === "token.approved")).toHaveLength(1);
    expect(await getDb().tokenApproval.count({ where: { tokenId: token.id } })).toBe(1);
  });

  // (Auditors hold no API keys; their refusal is the domain's, tested above.)
  it("the REST door answers with the token, and maps the refusals to the contract's statuses", async () => {
    const one = await world(1);
    const token = await createToken(one.creator.principal, one.frontdoorId, { name: "rest", commonName: "rest.example.com" });
    const keyOf = async (principal: typeof one.admin.principal) => (await createApiKey(principal, { name: `k-${randomUUID().slice(0, 6)}` })).key;
    const post = async (key: string, body: unknown) => call(answerRoute.POST, { frontdoorId: one.frontdoorId, tokenId: token.id }, { method: "POST", key, body });
    const own = await post(await keyOf(one.creator.principal), { decision: "approve" });
    expect([own.status, own.body.code]).toEqual([403, "approval_not_allowed"]);
    const bad = await post(await keyOf(one.admin.principal), { decision: "maybe" });
    expect([bad.status, bad.body.code, bad.body.errors?.[0]?.path]).toEqual([400, "validation_failed", "decision"]);
    const approved = await post(await keyOf(one.member.principal), { decision: "approve", comment: "ok" });
    expect([approved.status, approved.body.status, approved.body.approvalCount]).toEqual([200, "active", 1]);
    const late = await post(await keyOf(one.admin.principal), { decision: "reject" });
    expect([late.status, late.body.code]).toEqual([409, "token_not_pending"]);
  });

  it("a batch is pending as a whole and can be approved at once; lists, filters and counts know the statuses", async () => {
    const one = await world(1);
    const { tokens } = await createTokenBatch(one.creator.principal, one.frontdoorId, { json: { tokens: [1, 2, 3].map((i) => ({ name: `b${i}`, commonName: `b${i}.example.com` })) } });
    expect(tokens.map((t) => t.status)).toEqual(["pending_approval", "pending_approval", "pending_approval"]);
    expect(await getDb().auditEvent.count({ where: { action: "token.approval_requested", targetId: { in: tokens.map((t) => t.id) } } })).toBe(3);

    const queue = await listPendingApprovals(one.member.principal, { frontdoorId: one.frontdoorId });
    expect(queue).toHaveLength(3);
    expect(new Set(queue.map((p) => p.batchId)).size).toBe(1);
    expect(queue[0]).toMatchObject({ frontdoor: { id: one.frontdoorId }, profile: { extendedKeyUsage: ["clientAuth"] }, cannotAnswer: null, token: { createdBy: one.creator.email } });
    expect((await listPendingApprovals(one.creator.principal, { frontdoorId: one.frontdoorId }))[0]!.cannotAnswer).toMatch(/You created this token/);
    expect(await listPendingApprovals(one.outsider.principal, { frontdoorId: one.frontdoorId })).toEqual([]);
    expect(await countApprovalsForMe(one.member.principal)).toBe(3);
    expect(await countApprovalsForMe(one.creator.principal)).toBe(0);
    expect(await countApprovalsForMe(one.auditor.principal)).toBe(0);

    const pendingList = await listTokens(one.member.principal, one.frontdoorId, { status: "pending_approval" });
    expect(pendingList.totalElements).toBe(3);
    expect((await dashboardStats(one.member.principal, one.frontdoorId)).tokens).toMatchObject({ pending_approval: 3, active: 0 });

    const bulk = await answerTokens(one.member.principal, one.frontdoorId, [...tokens.map((t) => t.id), "token-unknown"], { decision: "approve" });
    expect(bulk.answered).toHaveLength(3);
    expect(bulk.refused).toEqual([{ tokenId: "token-unknown", code: "token_not_found", detail: expect.any(String) }]);
    expect((await listTokens(one.member.principal, one.frontdoorId, { status: "active" })).totalElements).toBe(3);
    expect((await listTokens(one.member.principal, one.frontdoorId, { status: "pending_approval" })).totalElements).toBe(0);
  });

  it("a token made before the policy (or with it off) needs nothing; the policy reaches new tokens only", async () => {
    const frontdoor = await makeFrontdoor();
    const before = await createToken(system, frontdoor.id, { name: "before", commonName: "before.example.com" });
    await updateFrontdoor(system, frontdoor.id, { approvals: { required: 1 } });
    const after = await createToken(system, frontdoor.id, { name: "after", commonName: "after.example.com" });
    expect([before.status, after.status]).toEqual(["active", "pending_approval"]);
    expect((await redeem(frontdoor.id, before.token)).status).toBe(201);
    await updateFrontdoor(system, frontdoor.id, { approvals: { required: 0 } });
    expect((await getToken(system, frontdoor.id, after.id)).status).toBe("pending_approval");
    expect((await redeem(frontdoor.id, after.token)).body.code).toBe("token_pending_approval");
  });
});
