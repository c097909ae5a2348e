import { readFileSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { e2eDataDir } from "../../playwright.config";

// The specs assert what the database holds, through the same domain layer the app uses,
// connected to the embedded PostgreSQL that the server under test started.

// lib/db.ts guards itself with `import "server-only"`, which throws outside a React server
// build; these specs are server-side code too, so the marker resolves to an empty module.
register(
  "data:text/javascript," +
    encodeURIComponent(
      'export async function resolve(s, c, next) { return s === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(s, c); }',
    ),
  import.meta.url,
);

let ready: Promise<void> | undefined;

async function connect(): Promise<void> {
  const config = JSON.parse(readFileSync(path.join(e2eDataDir, "postgres.json"), "utf8")) as {
    port: number;
    user: string;
    password: string;
    database: string;
  };
  const { applyRuntime } = await import("@/lib/env");
  applyRuntime({
    DATABASE_URL: `postgresql://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${config.database}`,
    AUTH_SECRET: readFileSync(path.join(e2eDataDir, "auth-secret"), "utf8").trim(),
    CERTDOOR_MASTER_KEY: readFileSync(path.join(e2eDataDir, "master-key"), "utf8").trim(),
  });
}

export async function db() {
  ready ??= connect();
  await ready;
  const { getDb } = await import("@/lib/db");
  return getDb();
}

/** Creates a user through the domain layer, with a known password. */
export async function createTestUser(role: "admin" | "operator" | "auditor", frontdoorIds: string[] = []) {
  await db();
  const { createUser } = await import("@/lib/domain/access/users");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const email = `${role}-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const password = "e2e user password 123";
  const { user } = await createUser(systemPrincipal("e2e"), { email, role, password, frontdoorIds });
  return { id: user.id, email, password };
}

/** A user made for OIDC, as `certdoor user create --oidc` makes one: no password; the first provider sign-in binds it. */
export async function createOidcTestUser(role: "admin" | "operator" | "auditor") {
  await db();
  const { createUser } = await import("@/lib/domain/access/users");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const email = `oidc-${role}-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const { user } = await createUser(systemPrincipal("e2e"), { email, role, isOidcOnly: true });
  return { id: user.id, email };
}

/**
 * After a crash mid-burst: no claimed token without its certificate and none the other way,
 * and every success a client saw is a committed redemption (a commit may lose its response).
 * Returns the redeemed tokens.
 */
export async function expectWholeRedemptions(tokenIds: string[], outcomes: (number | string)[]) {
  const { expect } = await import("@playwright/test");
  const rows = await (await db()).certificateRequestToken.findMany({
    where: { id: { in: tokenIds } },
    select: { id: true, redeemedAt: true, clientCertificateId: true, clientCertificate: { select: { id: true } } },
  });
  for (const row of rows) {
    expect(row.redeemedAt === null).toBe(row.clientCertificateId === null);
    if (row.clientCertificateId) expect(row.clientCertificate?.id).toBe(row.clientCertificateId);
  }
  const redeemed = rows.filter((r) => r.redeemedAt);
  expect(redeemed.length).toBeGreaterThanOrEqual(outcomes.filter((o) => o === 201).length);
  return redeemed;
}
