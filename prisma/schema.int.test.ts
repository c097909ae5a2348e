import pg from "pg";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// The hand-kept SQL migrations must match prisma/schema.prisma: every scalar field of every
// model has its column, and every model can be written and read back through the client.

describe("migrated database matches the Prisma schema", () => {
  it("has a column for every scalar field of every model", async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    await client.end();
    const columns = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const fieldEnums: Record<string, Record<string, string>> = {
      User: Prisma.UserScalarFieldEnum,
      Frontdoor: Prisma.FrontdoorScalarFieldEnum,
      Membership: Prisma.MembershipScalarFieldEnum,
      CertificateAuthority: Prisma.CertificateAuthorityScalarFieldEnum,
      CertificateRequestToken: Prisma.CertificateRequestTokenScalarFieldEnum,
      ClientCertificate: Prisma.ClientCertificateScalarFieldEnum,
      ApiKey: Prisma.ApiKeyScalarFieldEnum,
      AuditEvent: Prisma.AuditEventScalarFieldEnum,
      RedeemFailureWindow: Prisma.RedeemFailureWindowScalarFieldEnum,
      DashboardSnapshot: Prisma.DashboardSnapshotScalarFieldEnum,
      Webhook: Prisma.WebhookScalarFieldEnum,
      WebhookDelivery: Prisma.WebhookDeliveryScalarFieldEnum,
      Session: Prisma.SessionScalarFieldEnum,
      TotpFactor: Prisma.TotpFactorScalarFieldEnum,
      Passkey: Prisma.PasskeyScalarFieldEnum,
      RecoveryCode: Prisma.RecoveryCodeScalarFieldEnum,
      WebAuthnChallenge: Prisma.WebAuthnChallengeScalarFieldEnum,
      Setting: Prisma.SettingScalarFieldEnum,
      PurgedToken: Prisma.PurgedTokenScalarFieldEnum,
      PendingIssuingCa: Prisma.PendingIssuingCaScalarFieldEnum,
      ScepRaCertificate: Prisma.ScepRaCertificateScalarFieldEnum,
      TokenApproval: Prisma.TokenApprovalScalarFieldEnum,
      FrontdoorIntune: Prisma.FrontdoorIntuneScalarFieldEnum,
      IntuneScepTransaction: Prisma.IntuneScepTransactionScalarFieldEnum,
    };
    expect(Object.keys(fieldEnums).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    const missing = Object.entries(fieldEnums).flatMap(([model, fields]) =>
      Object.values(fields).filter((f) => !columns.has(`${model}.${f}`)).map((f) => `${model}.${f}`),
    );
    expect(missing).toEqual([]);
    const tables = new Set(rows.map((r) => r.table_name));
    const extraColumns = rows
      .filter((r) => r.table_name in fieldEnums)
      .filter((r) => !Object.values(fieldEnums[r.table_name]!).includes(r.column_name));
    expect(extraColumns).toEqual([]);
    expect(tables.has("_prisma_migrations")).toBe(true);
  });

  it("creates and reads back every model through the generated client", async () => {
    const db = getDb();
    const now = new Date();
    const user = await db.user.create({ data: { email: "schema@example.test", role: "operator", passwordHash: "x" } });
    const frontdoor = await db.frontdoor.create({ data: { name: "schema-fd" } });
    await db.membership.create({ data: { userId: user.id, frontdoorId: frontdoor.id } });
    const ca = await db.certificateAuthority.create({
      data: {
        kind: "intermediate",
        frontdoorId: frontdoor.id,
        subject: "CN=test",
        serialNumber: "01",
        certificatePem: "pem",
        encryptedPrivateKey: "v1.x",
        keyAlgorithm: "EC-P256",
        notBefore: now,
        notAfter: now,
      },
    });
    const cert = await db.clientCertificate.create({
      data: {
        frontdoorId: frontdoor.id,
        issuerId: ca.id,
        name: "n",
        commonName: "cn",
        serialNumber: "0a0b",
        fingerprintSha256: "f".repeat(64),
        keyAlgorithm: "EC-P256",
        notBefore: now,
        notAfter: now,
        certificatePem: "pem",
      },
    });
    const token = await db.certificateRequestToken.create({
      data: {
        frontdoorId: frontdoor.id,
        name: "t",
        secretHash: "a".repeat(64),
        secretHint: "crt_…abcd",
        expiresAt: now,
        createdById: user.id,
        clientCertificateId: cert.id,
        redeemedAt: now,
      },
    });
    const apiKey = await db.apiKey.create({ data: { name: "k", prefix: "cdk_abc", keyHash: "b".repeat(64), ownerId: user.id } });
    const event = await db.auditEvent.create({ data: { actorKind: "system", action: "test", hash: "c".repeat(64), details: { a: 1 } } });
    const webhook = await db.webhook.create({ data: { frontdoorId: frontdoor.id, url: "https://hooks.example.com/", events: ["token.created"], encryptedSecret: "v1.x" } });
    await db.webhookDelivery.create({ data: { webhookId: webhook.id, eventId: event.id, type: "token.created", attempt: 1, latencyMs: 3 } });

    expect(token.id).toMatch(/^token-[0-9a-f-]{36}$/);
    expect(cert.id).toMatch(/^cert-[0-9a-f-]{36}$/);
    expect(frontdoor.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(frontdoor.tcpSharesEnabled).toBe(true);
    expect(token.validDays).toBe(365);
    expect(ca.crlNumber).toBe(0n);

    const readBack = await db.certificateRequestToken.findUniqueOrThrow({
      where: { id: token.id },
      include: { clientCertificate: { include: { issuer: true } }, createdBy: { include: { memberships: true, apiKeys: true } } },
    });
    expect(readBack.clientCertificate?.issuer.id).toBe(ca.id);
    expect(readBack.createdBy?.memberships[0]?.frontdoorId).toBe(frontdoor.id);
    expect(readBack.createdBy?.apiKeys[0]?.id).toBe(apiKey.id);
    expect(readBack.expiresAt.toISOString()).toBe(now.toISOString());
    const eventBack = await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(eventBack.details).toEqual({ a: 1 });
    expect(typeof eventBack.id).toBe("bigint");
    expect(webhook.id).toMatch(/^wh-[0-9a-f-]{36}$/);
    const webhookBack = await db.webhook.findUniqueOrThrow({ where: { id: webhook.id }, include: { deliveries: true, frontdoor: { include: { webhooks: true } } } });
    expect(webhookBack.events).toEqual(["token.created"]);
    expect(webhookBack.deliveries[0]?.eventId).toBe(event.id);
    expect(webhookBack.frontdoor.webhooks).toHaveLength(1);

    await db.totpFactor.create({ data: { userId: user.id, encryptedSecret: "v1.x", lastUsedStep: 59_000_000n } });
    await db.passkey.create({ data: { userId: user.id, credentialId: "cred", publicKey: new Uint8Array([1, 2]), transports: ["internal"], name: "k", rpId: "localhost" } });
    await db.recoveryCode.create({ data: { userId: user.id, codeHash: "d".repeat(64) } });
    await db.webAuthnChallenge.create({ data: { binding: "session:x", purpose: "register", challenge: "c", expiresAt: now } });
    await db.setting.create({ data: { key: "secondFactorPolicy", value: "admins" } });
    const session = await db.session.create({ data: { userId: user.id } });
    expect(session).toMatchObject({ method: "password", secondFactorAt: null });
    const factors = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { totp: true, passkeys: true, recoveryCodes: true } });
    expect(factors.totp?.lastUsedStep).toBe(59_000_000n);
    expect(factors.passkeys[0]).toMatchObject({ counter: 0n, transports: ["internal"], isBackedUp: false });
    expect(Buffer.from(factors.passkeys[0]!.publicKey)).toEqual(Buffer.from([1, 2]));
    expect(factors.recoveryCodes[0]?.usedAt).toBeNull();
    expect((await db.setting.findUniqueOrThrow({ where: { key: "secondFactorPolicy" } })).value).toBe("admins");
    await db.purgedToken.create({ data: { secretHash: "e".repeat(64), frontdoorId: frontdoor.id, wasRevoked: true } });
    expect(await db.purgedToken.findUniqueOrThrow({ where: { secretHash: "e".repeat(64) } })).toMatchObject({ frontdoorId: frontdoor.id, wasRevoked: true, purgedAt: expect.any(Date) });
  });
});
