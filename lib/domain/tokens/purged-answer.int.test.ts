import { describe, expect, it } from "vitest";
import * as tokensRoute from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/route";
import * as redeemRoute from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import { getDb } from "@/lib/db";
import { createApiKey } from "@/lib/domain/access/api-keys";
import { createToken, purgeTokens, revokeToken } from "@/lib/domain/tokens";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";
import { call, fromAddress } from "@/lib/testing/http";
import { opensslCsr } from "@/lib/testing/openssl";

// Errors that say what to do (issue 15.5): a purged token is answered as removed, not as a
// typo, for one more retention period (only its hash is kept); a revoked one says whom to
// ask; a Frontdoor name where the id belongs says the path takes the id and where ids are.

const day = 86_400_000;
const csr = opensslCsr("ec-p256").csrPem;

async function redeem(frontdoorId: string, secret: string, ip = "192.0.2.10") {
  return call(redeemRoute.POST, { frontdoorId }, { method: "POST", headers: { Authorization: `Bearer ${secret}`, ...fromAddress(ip) }, body: { type: "CSR", value: csr } });
}

describe("answers that say what to do", () => {
  it("a purged token is 'expired (or revoked) and removed' for the configured retention, then unknown", async () => {
    const frontdoor = await makeFrontdoor();
    const expired = await createToken(system, frontdoor.id, { name: "expired then purged" });
    const revoked = await createToken(system, frontdoor.id, { name: "revoked then purged" });
    await revokeToken(system, frontdoor.id, revoked.id);
    const past = new Date(Date.now() - 3 * day);
    await getDb().certificateRequestToken.update({ where: { id: expired.id }, data: { expiresAt: past } });
    await getDb().certificateRequestToken.update({ where: { id: revoked.id }, data: { revokedAt: past } });
    expect(await purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 2 * day })).toEqual({ deleted: 2 });

    const kept = await getDb().purgedToken.findMany({ where: { frontdoorId: frontdoor.id } });
    expect(kept.map((k) => k.wasRevoked).sort()).toEqual([false, true]);
    expect(JSON.stringify(kept)).not.toContain(expired.token.slice(4));

    const afterExpiry = await redeem(frontdoor.id, expired.token);
    expect(afterExpiry.status).toBe(404);
    expect(afterExpiry.body).toMatchObject({ code: "token_not_found", detail: "This token expired and was removed from this Frontdoor since. Ask the administrator who sent it for a new one." });
    expect((await redeem(frontdoor.id, revoked.token, "192.0.2.11")).body.detail).toMatch(/^This token was revoked by an administrator and was removed .* Ask the administrator/);
    // Another Frontdoor knows nothing of it.
    const other = await makeFrontdoor();
    expect((await redeem(other.id, expired.token, "192.0.2.12")).body.detail).toMatch(/typing mistakes/);

    // The hashes stay for the configured retention (TOKEN_RETENTION, P7D here), whatever a
    // purge's own olderThan says: a short one cannot erase the answer early.
    await purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 3_600_000, now: new Date(Date.now() + 3 * day) });
    expect(await getDb().purgedToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(2);
    await purgeTokens(system, { frontdoorId: frontdoor.id, retentionMs: 2 * day, now: new Date(Date.now() + 8 * day) });
    expect(await getDb().purgedToken.count({ where: { frontdoorId: frontdoor.id } })).toBe(0);
    expect((await redeem(frontdoor.id, expired.token, "192.0.2.13")).body.detail).toMatch(/^This token does not exist on this Frontdoor\. Check the link or token for typing mistakes; if it is old, it may have expired/);
  });

  it("a revoked token says to ask the administrator for a new one", async () => {
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "revoked" });
    await revokeToken(system, frontdoor.id, token.id);
    expect((await redeem(frontdoor.id, token.token, "192.0.2.20")).body).toMatchObject({ code: "token_revoked", detail: expect.stringMatching(/Ask the administrator for a new token\.$/) });
  });

  it("a Frontdoor name in a REST path says the path takes the id, and how to list ids", async () => {
    const frontdoor = await makeFrontdoor();
    const admin = await makeUser("admin");
    const { key } = await createApiKey(system, { name: "names", ownerEmail: admin.email });
    const byName = await call(tokensRoute.GET, { frontdoorId: frontdoor.name }, { key });
    expect(byName.status).toBe(404);
    expect(byName.body).toMatchObject({ code: "frontdoor_not_found", detail: expect.stringMatching(/takes? the Frontdoor's id \(a UUID\), not its name: `certdoor frontdoor list` or the console's Frontdoors page shows the ids\.$/) });
    expect((await redeem(frontdoor.name, "crt_0123456789abcdef0123456789abcdef", "192.0.2.30")).body.detail).toContain("certdoor frontdoor list");
  });
});
