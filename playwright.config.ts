import path from "node:path";
import { defineConfig } from "@playwright/test";

// End-to-end tests drive Debian's Chromium against the production build, started the way
// a user starts Certdoor (bin/start.mjs: embedded PostgreSQL, migrations, bootstrap), with
// its own data folder that is wiped at the start of every run.

const port = Number(process.env.E2E_PORT ?? 3210);
const oidcPort = port + 89;
const smtpPort = port + 87;
/** Where the specs read the mail the server sent (e2e/support/mailbox.mjs). */
export const mailboxUrl = `http://127.0.0.1:${port + 88}`;
export const e2eDataDir = path.resolve(import.meta.dirname, "e2e", ".artifacts", "data");
export const e2eAdmin = { email: "admin@localhost", password: "e2e-admin-password-1" };

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e-artifacts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-results.json" }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      // A stand-in OpenID Connect provider, for the OIDC sign-in spec.
      command: `node e2e/support/oidc-provider.mjs --port ${oidcPort}`,
      url: `http://127.0.0.1:${oidcPort}/health`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      // A real SMTP server the production build sends links to, and a page listing them.
      command: `node e2e/support/mailbox.mjs --smtp-port ${smtpPort} --http-port ${port + 88}`,
      url: `${mailboxUrl}/health`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
    {
      command: `rm -rf "${e2eDataDir}" && node --conditions=react-server bin/start.mjs`,
      url: `http://localhost:${port}/api/health`,
      // The first start builds the app (next build): minutes on a busy 2-core machine.
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        PORT: String(port),
        CERTDOOR_DATA_DIR: e2eDataDir,
        ADMIN_EMAIL: e2eAdmin.email,
        ADMIN_PASSWORD: e2eAdmin.password,
        NEXT_TELEMETRY_DISABLED: "1",
        // The build's warnings and errors show (its progress lines log at info); one line per request would bury the report
        // (operations.spec.ts reads request lines from an instance of its own).
        LOG_LEVEL: "warn",
        // The specs age tokens by hand and purge them through the console; a scheduled purge
        // in the middle would take them first. The schedule has its own integration test.
        PURGE_INTERVAL_MINUTES: "0",
        OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
        OIDC_CLIENT_ID: "certdoor-e2e",
        OIDC_CLIENT_SECRET: "e2e-client-secret",
        OIDC_NAME: "Test IdP",
        SMTP_URL: `smtp://certdoor:e2e-mail@127.0.0.1:${smtpPort}`,
        SMTP_FROM: "Certdoor <certdoor@example.com>",
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true", // webhooks.spec.ts's receiver listens on 127.0.0.1
        // Without PUBLIC_URL the launcher picks the address certificates point at (this
        // machine's first one others can reach); the specs reach the server at localhost.
        CERTDOOR_LAUNCH_URL: `http://localhost:${port}`,
      },
    },
  ],
});
