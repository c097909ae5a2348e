import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { updateFrontdoor } from "@/lib/domain/frontdoors";
import { createToken, createTokenBatch } from "@/lib/domain/tokens";
import { notifyApprovers } from "@/lib/domain/tokens/approval-notices";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { startSmtp } from "@/lib/testing/smtp";

// Approvers are emailed about pending tokens: one message per approver per burst, never to
// the creator about their own tokens, never to auditors, outsiders or disabled users, and
// never with a secret or a redemption link.

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

describe("approval notices", () => {
  let smtp: Smtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    smtp.use();
  });
  afterAll(async () => smtp.close());

  it("a batch queues one job for its Frontdoor; the job mails each approver once about the tokens they may answer", async () => {
    const frontdoor = await makeFrontdoor();
    await updateFrontdoor(system, frontdoor.id, { approvals: { required: 1 } });
    const creator = await makeUser("operator", [frontdoor.id]);
    const member = await makeUser("operator", [frontdoor.id]);
    const admin = await makeUser("admin");
    const auditor = await makeUser("auditor");
    const outsider = await makeUser("operator");
    const disabled = await makeUser("operator", [frontdoor.id]);
    await getDb().user.update({ where: { id: disabled.user.id }, data: { disabledAt: new Date() } });

    const { tokens } = await createTokenBatch(creator.principal, frontdoor.id, { json: { tokens: [1, 2, 3].map((i) => ({ name: `device-${i}`, commonName: `device-${i}.example.com` })) } });
    const single = await createToken(member.principal, frontdoor.id, { name: "member's own", commonName: "own.example.com" });
    // Four approval_requested events in two statements: one job, keyed by the Frontdoor.
    const jobs = await getDb().$queryRaw<{ key: string; task: string }[]>`
      SELECT "key", "task_identifier" AS "task" FROM graphile_worker.jobs WHERE "key" = ${`approvals.notify:${frontdoor.id}`}`;
    expect(jobs).toEqual([{ key: `approvals.notify:${frontdoor.id}`, task: "approvals.notify" }]);

    const before = smtp.received.length;
    expect(await notifyApprovers(frontdoor.id)).toBe(3);
    const mails = smtp.received.slice(before);
    const to = (address: string) => mails.filter((m) => m.to && JSON.stringify(m.to).includes(address));
    expect(mails).toHaveLength(3);
    // The creator hears only of the member's token; the member only of the batch; the admin of all four.
    expect(to(creator.email)[0]?.subject).toMatch(/1 token on/);
    expect(to(member.email)[0]?.text).toContain("device-1 (CN=device-1.example.com)");
    expect(to(member.email)[0]?.text).not.toContain("own.example.com");
    expect(to(admin.email)[0]?.subject).toMatch(/4 tokens on/);
    for (const who of [auditor, outsider, disabled]) expect(to(who.email)).toHaveLength(0);
    for (const mail of mails) {
      expect(mail.text).toContain("/approvals");
      expect(mail.text).not.toMatch(/crt_|#/);
      expect(mail.html || "").not.toMatch(/crt_|\/redeem/);
    }
    // Told once: a second run finds nothing new.
    expect(await notifyApprovers(frontdoor.id)).toBe(0);
    expect(tokens.length + 1).toBe(4);
    expect(single.status).toBe("pending_approval");
  });

  it("a Frontdoor without approvals queues nothing", async () => {
    const frontdoor = await makeFrontdoor();
    await createToken(system, frontdoor.id, { name: "plain", commonName: "plain.example.com" });
    const [row] = await getDb().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE "key" = ${`approvals.notify:${frontdoor.id}`}`;
    expect(Number(row?.n)).toBe(0);
  });
});
