import { beforeAll, describe, expect, it, vi } from "vitest";
import { answerTokenAction, approveBatchAction } from "@/app/(console)/approvals/actions";
import { getDb } from "@/lib/db";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { createToken, createTokenBatch, getToken, updateToken } from "@/lib/domain/tokens";
import { whyCannotAnswer } from "@/lib/domain/tokens/approval-queue";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";

// The Approvals page's buttons call these actions; a hostile client can call them directly
// with anything. Each authenticates itself and the domain decides who may answer.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

type User = Awaited<ReturnType<typeof makeUser>>;
let frontdoorId: string;
let people: { creator: User; admin: User; member: User; outsider: User; auditor: User };

const signIn = async (user: User | null) => setRequestHeaders(user ? { cookie: await sessionCookie(user.user.id) } : {});
const pending = (name: string) => createToken(people.creator.principal, frontdoorId, { name, commonName: `${name}.example.com` });
const answers = (tokenId: string) => getDb().tokenApproval.findMany({ where: { tokenId }, orderBy: { createdAt: "asc" }, select: { userEmail: true, decision: true, comment: true } });

beforeAll(async () => {
  frontdoorId = (await makeFrontdoor()).id;
  await updateFrontdoor(system, frontdoorId, { approvals: { required: 2 } });
  people = {
    creator: await makeUser("operator", [frontdoorId]),
    admin: await makeUser("admin"),
    member: await makeUser("operator", [frontdoorId]),
    outsider: await makeUser("operator"),
    auditor: await makeUser("auditor"),
  };
});

describe("answerTokenAction", () => {
  it("signed out, as the creator, an auditor or a non-member: refused, nothing answered; odd arguments never reach `internal`", async () => {
    const token = await pending("refused");
    await signIn(null);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: false, code: "unauthenticated" });
    await signIn(people.creator);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: false, code: "approval_not_allowed" });
    await signIn(people.auditor);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: false, code: "approval_not_allowed" });
    await signIn(people.outsider);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: false, code: "frontdoor_not_found" });
    await signIn(people.admin);
    for (const [fd, id, answer] of [[frontdoorId, token.id, { decision: "maybe" }], [frontdoorId, token.id, "approve"], ["\u0000", token.id, { decision: "approve" }], [frontdoorId, { toString: {} }, { decision: "approve" }], [42, null, null]] as const) {
      const result = await answerTokenAction(fd as string, id as string, answer as never);
      expect(result.ok).toBe(false);
      expect(result).not.toMatchObject({ code: "internal" });
    }
    expect(await answers(token.id)).toEqual([]);
  });

  it("approvals by two other people make the token active, each with its comment; the token page's reasons follow", async () => {
    const token = await pending("approved");
    expect(await whyCannotAnswer(people.creator.principal, frontdoorId, token.id)).toMatch(/You created this token/);
    expect(await whyCannotAnswer(people.auditor.principal, frontdoorId, token.id)).toMatch(/Auditors/);
    expect(await whyCannotAnswer(people.admin.principal, frontdoorId, token.id)).toBeNull();
    await expect(whyCannotAnswer(people.outsider.principal, frontdoorId, token.id)).rejects.toMatchObject({ code: "frontdoor_not_found" });
    await expect(whyCannotAnswer(people.admin.principal, frontdoorId, "token-unknown")).rejects.toMatchObject({ code: "token_not_found" });

    await signIn(people.admin);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve", comment: " ticket 42 checked " })).toMatchObject({ ok: true, data: { status: "pending_approval", approvalCount: 1 } });
    expect(await whyCannotAnswer(people.admin.principal, frontdoorId, token.id)).toMatch(/already/);
    expect(await whyCannotAnswer(people.member.principal, frontdoorId, token.id)).toBeNull();
    await signIn(people.member);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: true, data: { status: "active", approvalCount: 2 } });
    expect(await answers(token.id)).toEqual([
      { userEmail: people.admin.email, decision: "approve", comment: "ticket 42 checked" },
      { userEmail: people.member.email, decision: "approve", comment: null },
    ]);
  });

  it("one rejection rejects the token, with its comment", async () => {
    const token = await pending("rejected");
    await signIn(people.member);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "reject", comment: "not ours" })).toMatchObject({ ok: true, data: { status: "rejected" } });
    expect((await getToken(system, frontdoorId, token.id)).approvals).toMatchObject([{ by: people.member.email, decision: "reject", comment: "not ours" }]);
    await signIn(people.admin);
    expect(await answerTokenAction(frontdoorId, token.id, { decision: "approve" })).toMatchObject({ ok: false, code: "token_not_pending" });
  });
});

describe("approveBatchAction", () => {
  it("approves every token of a batch with one comment, reports refusals per token, and checks the comment once", async () => {
    const { tokens } = await createTokenBatch(people.creator.principal, frontdoorId, { json: { tokens: [1, 2, 3].map((i) => ({ name: `batch-${i}`, commonName: `batch-${i}.example.com` })) } });
    const ids = tokens.map((t) => t.id);
    await signIn(null);
    expect(await approveBatchAction(frontdoorId, ids, "")).toMatchObject({ ok: false, code: "unauthenticated" });
    await signIn(people.admin);
    const tooLong = await approveBatchAction(frontdoorId, ids, "x".repeat(1001));
    expect(tooLong).toMatchObject({ ok: false, code: "validation_failed", fieldErrors: { comment: expect.any(String) } });
    expect(await getDb().tokenApproval.count({ where: { tokenId: { in: ids } } })).toBe(0);

    await signIn(people.creator);
    expect(await approveBatchAction(frontdoorId, ids, "mine")).toMatchObject({ ok: true, data: { answered: [], refused: ids.map((tokenId) => ({ tokenId, code: "approval_not_allowed" })) } });

    await signIn(people.admin);
    expect(await approveBatchAction(frontdoorId, [...ids, "token-unknown"], "rollout week")).toMatchObject({ ok: true, data: { answered: ids, refused: [{ tokenId: "token-unknown", code: "token_not_found" }] } });
    await signIn(people.member);
    expect(await approveBatchAction(frontdoorId, ids, "")).toMatchObject({ ok: true, data: { answered: ids, refused: [] } });
    for (const id of ids) {
      expect((await getToken(system, frontdoorId, id)).status).toBe("active");
      expect((await answers(id)).map((a) => a.comment)).toEqual(["rollout week", null]);
    }
    // Not a list: nothing to answer, never `internal`.
    expect(await approveBatchAction(frontdoorId, "not a list" as unknown as string[], "")).toMatchObject({ ok: true, data: { answered: [], refused: [] } });
  });
});

describe("answers to what the page showed", () => {
  it("an answer or a batch approval given to an older version of a token is refused, not applied to what it says now", async () => {
    const one = await pending("versioned");
    await updateToken(people.creator.principal, frontdoorId, one.id, { commonName: "changed.example.com" });
    await signIn(people.admin);
    expect(await answerTokenAction(frontdoorId, one.id, { decision: "approve", contentVersion: 1 })).toMatchObject({ ok: false, code: "conflict" });
    const { tokens } = await createTokenBatch(people.creator.principal, frontdoorId, { json: { tokens: [{ name: "v1", commonName: "v1.example.com" }, { name: "v2", commonName: "v2.example.com" }] } });
    await updateToken(people.creator.principal, frontdoorId, tokens[1]!.id, { commonName: "v2-changed.example.com" });
    const batch = await approveBatchAction(frontdoorId, tokens.map((t) => t.id), "", Object.fromEntries(tokens.map((t) => [t.id, 1])));
    expect(batch).toMatchObject({ ok: true, data: { answered: [tokens[0]!.id], refused: [{ tokenId: tokens[1]!.id, code: "conflict" }] } });
    expect(await answers(tokens[1]!.id)).toEqual([]);
  });
});
