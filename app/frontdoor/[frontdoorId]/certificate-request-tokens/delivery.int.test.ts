import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { redeemToken } from "@/lib/domain/certificates";
import { closeMailer } from "@/lib/email/mailer";
import { env } from "@/lib/env";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { call } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";
import { startSmtp, withoutSmtp } from "@/lib/testing/smtp";
import * as rotate from "./[tokenId]/rotate/route";
import * as single from "./[tokenId]/route";
import * as batch from "./batch/route";
import * as collection from "./route";

// Links by email against a real SMTP server started here, and a new link for a lost one.

let world: Awaited<ReturnType<typeof apiWorld>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  world = await apiWorld();
  smtp = await startSmtp();
});
afterAll(async () => {
  withoutSmtp();
  await smtp.close();
});

const create = (body: unknown) => call(collection.POST, { frontdoorId: world.frontdoors.a.id }, { method: "POST", key: world.keys.operatorA, body });
const rotateCall = (tokenId: string, key = world.keys.operatorA) => call(rotate.POST, { frontdoorId: world.frontdoors.a.id, tokenId }, { method: "POST", key });
const redeem = (secret: string) =>
  redeemToken({ frontdoorId: world.frontdoors.a.id, secret, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} }).then(
    (c) => ({ ok: true as const, id: c.id }),
    (e: { code: string }) => ({ ok: false as const, code: e.code }),
  );
/** The secret in a redemption link: /redeem#<frontdoorId>.<secret>. */
const secretOf = (link: string) => new URL(link).hash.split(".")[1]!;
const auditActions = async (tokenId: string) => (await getDb().auditEvent.findMany({ where: { targetId: tokenId }, orderBy: { id: "asc" } })).map((e) => e.action);

describe("links by email", () => {
  it("emails the link at creation, plain and HTML; the link in the message redeems once", async () => {
    smtp.use();
    const res = await create({ name: "Dana's laptop", commonName: "dana.example.com", organization: "Example & Co <HQ>", recipientEmail: "dana@example.com", validDays: 90 });
    expect(res.status).toBe(201);
    expect(res.body.recipientEmail).toBe("dana@example.com");
    expect(res.body.delivery).toEqual({ channel: "email", to: "dana@example.com", status: "sent" });
    const mail = smtp.received.find((m) => m.to && JSON.stringify(m.to).includes("dana@example.com"))!;
    expect(mail.subject).toBe(`your client certificate for ${world.frontdoors.a.name}`);
    expect(mail.from?.text).toBe('"Certdoor" <certdoor@example.com>');
    expect(mail.text).toContain(res.body.redemptionUrl);
    expect(mail.text).toContain("CN=dana.example.com, O=Example & Co <HQ>");
    expect(mail.text).toContain("Certificate valid for: 90 days");
    expect(mail.text).toContain(`Link works until: ${res.body.expiresAt.slice(0, 16).replace("T", " ")} UTC, once`);
    expect(mail.html).toContain(`href="${res.body.redemptionUrl}"`);
    expect(mail.html).toContain("Example &#38; Co &#60;HQ&#62;");
    expect(mail.html).not.toContain("<HQ>");
    const link = /https?:\/\/\S+\/redeem#\S+/.exec(mail.text!)![0];
    expect(await redeem(secretOf(link))).toMatchObject({ ok: true });
    expect(await redeem(secretOf(link))).toEqual({ ok: false, code: "token_already_used" });
    expect(await auditActions(res.body.id)).toEqual(expect.arrayContaining(["token.created", "token.link_emailed", "token.redeemed"]));
  });

  it("without SMTP the token is created, keeps its recipient and says the link was not sent", async () => {
    withoutSmtp();
    const before = smtp.received.length;
    const res = await create({ name: "by hand", recipientEmail: "erin@example.com" });
    expect(res.status).toBe(201);
    expect(res.body.delivery).toEqual({ channel: "email", to: "erin@example.com", status: "not_configured" });
    expect(smtp.received.length).toBe(before);
    expect(await redeem(res.body.token)).toMatchObject({ ok: true });
  });

  it("a refusing SMTP server fails the delivery, not the token", async () => {
    const refusing = await startSmtp({ refuse: true });
    refusing.use();
    try {
      const res = await create({ name: "bounced", recipientEmail: "nobody@example.com" });
      expect(res.status).toBe(201);
      expect(res.body.delivery).toMatchObject({ channel: "email", to: "nobody@example.com", status: "failed", error: expect.stringContaining("550") });
      expect(await auditActions(res.body.id)).toEqual(["token.created", "token.link_email_failed"]);
      expect(await redeem(res.body.token)).toMatchObject({ ok: true });
    } finally {
      await refusing.close();
    }
  });

  it("a batch whose mail server cannot be reached tries it once per connection, not once per recipient", async () => {
    // A mail server that accepts each connection and drops it at once.
    let connections = 0;
    const dead = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    Object.assign(env, { SMTP_URL: `smtp://127.0.0.1:${(dead.address() as AddressInfo).port}`, SMTP_FROM: "Certdoor <certdoor@example.com>" });
    try {
      const tokens = Array.from({ length: 20 }, (_, i) => ({ name: `device ${i}`, recipientEmail: `owner-${i}@example.com` }));
      const res = await call(batch.POST, { frontdoorId: world.frontdoors.a.id }, { method: "POST", key: world.keys.operatorA, body: { tokens } });
      expect(res.status).toBe(201);
      const deliveries = (res.body.tokens as { delivery: { status: string; error: string } }[]).map((t) => t.delivery);
      expect(deliveries.every((d) => d.status === "failed")).toBe(true);
      // The first five (one per pooled connection) are tried, and retried once each after the
      // hang-up; the other fifteen are recorded as not tried, and say why.
      expect(connections).toBeLessThanOrEqual(10);
      const notTried = deliveries.filter((d) => d.error.startsWith("Not tried: the mail server could not be reached"));
      expect(notTried.length).toBeGreaterThanOrEqual(15);
      // Every secret is in the answer: the tokens stand.
      expect(await redeem((res.body.tokens as { token: string }[])[19]!.token)).toMatchObject({ ok: true });
    } finally {
      closeMailer();
      await new Promise<void>((resolve) => dead.close(() => resolve()));
      smtp.use();
    }
  });

  it("refuses a malformed recipient with the field's error", async () => {
    const res = await create({ name: "typo", recipientEmail: "dana at example.com" });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: "recipientEmail", message: "Enter an email address, e.g. dana@example.com" }]);
  });
});

describe("a new link for a lost one", () => {
  it("retires the old secret at once, returns the new one once and emails it again", async () => {
    smtp.use();
    const created = (await create({ name: "lost link", commonName: "lost.example.com", recipientEmail: "finn@example.com" })).body;
    const res = await rotateCall(created.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, status: "active", delivery: { status: "sent", to: "finn@example.com" } });
    expect(res.body.token).not.toBe(created.token);
    expect(res.body.tokenHint).toBe(`crt_…${res.body.token.slice(-4)}`);
    const mails = smtp.received.filter((m) => JSON.stringify(m.to).includes("finn@example.com"));
    expect(mails.map((m) => m.subject)).toEqual([`your client certificate for ${world.frontdoors.a.name}`, `New link: your client certificate for ${world.frontdoors.a.name}`]);
    expect(mails[1]!.text).toContain(res.body.redemptionUrl);
    expect(mails[1]!.text).not.toContain(created.token);

    expect(await redeem(created.token)).toEqual({ ok: false, code: "token_not_found" });
    expect(await redeem(res.body.token)).toMatchObject({ ok: true });
    const again = await rotateCall(created.id);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: "token_not_active" });
    const rotated = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: created.id, action: "token.rotated" } });
    expect(rotated.details).toEqual({ previousTokenHint: created.tokenHint, tokenHint: res.body.tokenHint });
  });

  it("a corrected recipient is stored and audited as written, and the next link goes to it", async () => {
    smtp.use();
    const created = (await create({ name: "wrong address", recipientEmail: "gus@wrong.example.com" })).body;
    const patch = (body: unknown) => call(single.PATCH, { frontdoorId: world.frontdoors.a.id, tokenId: created.id }, { method: "PATCH", key: world.keys.operatorA, body });
    const res = await patch({ recipientEmail: "  gus@right.example.com " });
    expect(res.status).toBe(200);
    expect(res.body.recipientEmail).toBe("gus@right.example.com");
    const stored = await getDb().certificateRequestToken.findUniqueOrThrow({ where: { id: created.id }, select: { recipientEmail: true } });
    expect(stored.recipientEmail).toBe("gus@right.example.com");
    const updated = await getDb().auditEvent.findFirstOrThrow({ where: { targetId: created.id, action: "token.updated" } });
    expect(updated.details).toEqual({ recipientEmail: "gus@right.example.com" });

    const before = smtp.received.length;
    const rotated = await rotateCall(created.id);
    expect(rotated.body.delivery).toMatchObject({ status: "sent", to: "gus@right.example.com" });
    const mails = smtp.received.slice(before);
    expect(mails.map((m) => JSON.stringify(m.to))).toEqual([expect.stringContaining("gus@right.example.com")]);
    expect(mails[0]!.text).toContain(rotated.body.redemptionUrl);

    // An empty value clears the recipient: nobody is mailed from then on.
    expect((await patch({ recipientEmail: "" })).body.recipientEmail).toBeNull();
    expect((await rotateCall(created.id)).body.delivery).toBeUndefined();
    expect(smtp.received.length).toBe(before + 1);
  });

  it("checks the caller: an auditor may not, another Frontdoor's operator finds nothing", async () => {
    const created = (await create({ name: "guarded" })).body;
    expect((await rotateCall(created.id, world.keys.auditor)).status).toBe(403);
    expect((await rotateCall(created.id, world.keys.operatorB)).status).toBe(404);
    expect((await rotateCall("token-00000000-0000-4000-8000-000000000000")).body.code).toBe("token_not_found");
  });
});
