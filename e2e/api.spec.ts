import { expect, test } from "./support/test";
import { createTestUser, db } from "./support/db";

// The REST API as automation uses it: an API key, JSON in, JSON or problem+json out.

async function apiKeyFor(role: "admin" | "operator" | "auditor", frontdoorIds: string[] = []) {
  const user = await createTestUser(role, frontdoorIds);
  const { createApiKey } = await import("@/lib/domain/access/api-keys");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return (await createApiKey(systemPrincipal("e2e"), { name: "e2e", ownerEmail: user.email })).key;
}

test("automation creates, lists, reads and revokes a token over HTTP; the audit log has the real client address", async ({ request }) => {
  const frontdoor = await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } });
  const key = await apiKeyFor("admin");
  const headers = { Authorization: `Bearer ${key}`, "X-Forwarded-For": "6.6.6.6" };

  const created = await request.post(`/frontdoor/${frontdoor.id}/certificate-request-tokens`, {
    headers,
    data: { name: "Build agent 7", commonName: "build-agent-7.ci.example.com", organization: "Example Corp", organizationalUnit: "CI" },
  });
  expect(created.status()).toBe(201);
  const token = await created.json();
  expect(token).toMatchObject({ name: "Build agent 7", status: "active", commonName: "build-agent-7.ci.example.com" });
  expect(token.token).toMatch(/^crt_/);

  const list = await (await request.get(`/frontdoor/${frontdoor.id}/certificate-request-tokens?q=build-agent-7`, { headers })).json();
  expect(list.content.map((t: { id: string }) => t.id)).toContain(token.id);
  expect(JSON.stringify(list)).not.toContain(token.token);

  const revoked = await request.delete(`/frontdoor/${frontdoor.id}/certificate-request-tokens/${token.id}`, { headers });
  expect(revoked.status()).toBe(204);
  const after = await (await request.get(`/frontdoor/${frontdoor.id}/certificate-request-tokens/${token.id}`, { headers })).json();
  expect(after.status).toBe("revoked");

  const event = await (await db()).auditEvent.findFirstOrThrow({ where: { targetId: token.id, action: "token.created" } });
  expect(event.ip).toBe("127.0.0.1");
});

test("errors are problem+json with the contract's codes", async ({ request }) => {
  const frontdoor = await (await db()).frontdoor.findUniqueOrThrow({ where: { name: "default" } });
  const none = await request.get(`/frontdoor/${frontdoor.id}/certificate-request-tokens`);
  expect(none.status()).toBe(401);
  expect(none.headers()["content-type"]).toBe("application/problem+json");
  expect(await none.json()).toMatchObject({ code: "unauthenticated", status: 401 });

  const auditorKey = await apiKeyFor("auditor");
  const forbidden = await request.post(`/frontdoor/${frontdoor.id}/certificate-request-tokens`, {
    headers: { Authorization: `Bearer ${auditorKey}` },
    data: { name: "nope" },
  });
  expect(await forbidden.json()).toMatchObject({ code: "forbidden", status: 403 });

  const bad = await request.post(`/frontdoor/${frontdoor.id}/certificate-request-tokens`, {
    headers: { Authorization: `Bearer ${await apiKeyFor("admin")}`, "Content-Type": "application/json" },
    data: Buffer.from("{not json"),
  });
  expect(await bad.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "(body)" }] });
});

test("the API guide renders the OpenAPI document", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "Certificate request tokens over HTTP" })).toBeVisible();
  await expect(page.getByText("Create a certificate request token").first()).toBeVisible({ timeout: 20_000 });
  // An operation opens on its curl sample (x-codeSamples), then its parameters and example body.
  await page.getByText("Create a certificate request token").first().click();
  const operation = page.locator("#operations-Tokens-createToken");
  await expect(operation.getByRole("heading", { name: "Code samples" })).toBeVisible();
  await expect(operation.getByText('curl -X POST "$CERTDOOR/frontdoor/$FRONTDOOR_ID/certificate-request-tokens"')).toBeVisible();
  await expect(operation.getByText('"organizationalUnit": "CI"')).toBeVisible();
  const doc = await (await page.request.get("/api/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
});

test("Frontdoors over the API: POST /frontdoors shares its path with the console's page, and each gets its own answer", async ({ request, page }) => {
  const key = await apiKeyFor("admin");
  const headers = { Authorization: `Bearer ${key}` };
  const name = `api-${Date.now()}`;
  const created = await request.post("/frontdoors", { headers, data: { name, tcpSharesEnabled: false } });
  expect(created.status()).toBe(201);
  const frontdoor = await created.json();
  expect(frontdoor).toMatchObject({ name, tcpSharesEnabled: false, renewalWindowDays: 30, issuingCa: { generation: 1 } });
  expect(created.headers()["location"]).toBe(`/frontdoor/${frontdoor.id}`);

  const changed = await request.patch(`/frontdoor/${frontdoor.id}`, { headers, data: { tcpSharesEnabled: true, renewalWindowDays: 10 } });
  expect(await changed.json()).toMatchObject({ id: frontdoor.id, tcpSharesEnabled: true, renewalWindowDays: 10 });
  expect(await (await request.get(`/frontdoor/${frontdoor.id}`, { headers })).json()).toMatchObject({ name, renewalWindowDays: 10 });
  const event = await (await db()).auditEvent.findFirstOrThrow({ where: { frontdoorId: frontdoor.id, action: "frontdoor.updated" } });
  expect(event.details).toEqual({ before: { tcpSharesEnabled: false, renewalWindowDays: 30 }, after: { tcpSharesEnabled: true, renewalWindowDays: 10 } });

  // Without a key, JSON to /frontdoors is still the API's, and refused as such.
  const anonymous = await request.post("/frontdoors", { data: { name: `${name}-anon` } });
  expect(anonymous.status()).toBe(401);
  expect(anonymous.headers()["content-type"]).toBe("application/problem+json");
  const operatorKey = await apiKeyFor("operator", [frontdoor.id]);
  expect(await (await request.post("/frontdoors", { headers: { Authorization: `Bearer ${operatorKey}` }, data: { name: `${name}-op` } })).json()).toMatchObject({ code: "forbidden" });

  // A browser still gets the console's page there.
  await page.goto("/frontdoors");
  await expect(page).toHaveURL(/\/login/);
});
