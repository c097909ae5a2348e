import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { intuneCredentials } from "@/lib/domain/scep/intune/settings";
import { apiWorld } from "@/lib/testing/api-fixtures";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import * as one from "./route";

// A Frontdoor's Intune settings in GET/PATCH /frontdoor/{id} (CONTRACT.md, "SCEP"): admins
// set them, the client secret is sealed under the master key and never read back, null
// removes them, and every change is audited without the secret.

let world: Awaited<ReturnType<typeof apiWorld>>;
beforeAll(async () => {
  world = await apiWorld();
});

const SECRET = "Xq8~intune.app-secret_value";
const settings = { tenantId: "contoso.onmicrosoft.com", clientId: "6f1c1b2e-8d7a-4c55-9a0e-1d2b3c4d5e6f", clientSecret: SECRET };
const patch = (frontdoorId: string, key: string, intune: unknown) => call(one.PATCH, { frontdoorId }, { method: "PATCH", key, body: { scep: { intune } } });
const updates = (frontdoorId: string) => getDb().auditEvent.findMany({ where: { frontdoorId, action: "frontdoor.updated" }, orderBy: { id: "asc" } });

describe("scep.intune in GET/PATCH /frontdoor/{id}", () => {
  it("is set by an admin, shown without the secret, sealed at rest and audited without it", async () => {
    const { id } = await makeFrontdoor();
    const res = await patch(id, world.keys.admin, settings);
    expect(res.status).toBe(200);
    const shown = { tenantId: settings.tenantId, clientId: settings.clientId, clientSecretSet: true };
    expect(res.body.scep).toEqual({ intune: shown });
    const read = await call(one.GET, { frontdoorId: id }, { key: world.keys.auditor });
    expect(read.body.scep).toEqual({ intune: shown });
    for (const body of [res.body, read.body]) expect(JSON.stringify(body)).not.toContain(SECRET);

    const row = await getDb().frontdoorIntune.findUniqueOrThrow({ where: { frontdoorId: id } });
    expect(row.sealedClientSecret).toMatch(/^v1\./);
    expect(row.sealedClientSecret).not.toContain(SECRET);
    expect(await intuneCredentials(id)).toEqual(settings);

    const [event] = await updates(id);
    expect(event?.details).toEqual({ before: { scep: { intune: null } }, after: { scep: { intune: shown } }, intuneClientSecretChanged: true });
    expect(JSON.stringify(event?.details)).not.toContain(SECRET);
  });

  it("keeps the stored secret when a change leaves it out, and records no change when nothing changed", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, world.keys.admin, settings);
    const moved = await patch(id, world.keys.admin, { tenantId: "0d3c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d", clientId: settings.clientId });
    expect(moved.body.scep.intune.tenantId).toBe("0d3c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d");
    expect((await intuneCredentials(id))?.clientSecret).toBe(SECRET);
    expect((await updates(id))[1]?.details).not.toHaveProperty("intuneClientSecretChanged");

    await patch(id, world.keys.admin, { tenantId: "0d3c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d", clientId: settings.clientId, clientSecret: SECRET });
    expect(await updates(id)).toHaveLength(2);
  });

  it("is removed by null", async () => {
    const { id } = await makeFrontdoor();
    await patch(id, world.keys.admin, settings);
    const res = await patch(id, world.keys.admin, null);
    expect([res.status, res.body.scep]).toEqual([200, { intune: null }]);
    expect(await getDb().frontdoorIntune.count({ where: { frontdoorId: id } })).toBe(0);
    expect(await intuneCredentials(id)).toBeNull();
    expect((await updates(id))[1]?.details).toMatchObject({ before: { scep: { intune: { tenantId: settings.tenantId } } }, after: { scep: { intune: null } } });
  });

  it("refuses a first setup without a secret, a tenant that is no tenant, and callers who are not admins", async () => {
    const { id } = await makeFrontdoor();
    const problems = async (intune: unknown) => {
      const res = await patch(id, world.keys.admin, intune);
      return [res.status, res.body.code, (res.body.errors ?? []).map((e: { path: string }) => e.path)];
    };
    expect(await problems({ tenantId: settings.tenantId, clientId: settings.clientId })).toEqual([400, "validation_failed", ["scep.intune.clientSecret"]]);
    expect(await problems({ ...settings, tenantId: "../evil/path?x=" })).toEqual([400, "validation_failed", ["scep.intune.tenantId"]]);
    expect(await problems({ ...settings, clientId: "not-a-guid" })).toEqual([400, "validation_failed", ["scep.intune.clientId"]]);
    expect(await problems({ ...settings, extra: 1 })).toEqual([400, "validation_failed", ["scep.intune"]]);
    const operator = await patch(world.frontdoors.a.id, world.keys.operatorA, settings);
    const auditor = await patch(id, world.keys.auditor, settings);
    expect([operator.status, auditor.status]).toEqual([403, 403]);
    expect(await getDb().frontdoorIntune.count({ where: { frontdoorId: { in: [id, world.frontdoors.a.id] } } })).toBe(0);
  });
});
