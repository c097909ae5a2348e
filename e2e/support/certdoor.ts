import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "@playwright/test";
import { db } from "./db";

// The CLI as systems run it against the server under test, and a certificate redeemed with
// it (a token made through the domain layer, then `certdoor redeem`).

const root = path.resolve(import.meta.dirname, "..", "..");

export const certdoor = (args: string[]) =>
  spawnSync(process.execPath, ["--conditions=react-server", path.join(root, "bin", "certdoor.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000 });

/** A Frontdoor for one spec alone (TCP shares on): what happens on it is not mixed with what specs running beside it do on "default". */
export async function ownFrontdoor(prefix: string) {
  await db();
  const { createFrontdoor } = await import("@/lib/domain/frontdoors");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  return createFrontdoor(systemPrincipal("e2e"), { name: `${prefix}-${randomUUID().slice(0, 8)}`, tcpSharesEnabled: true });
}

export async function redeemed(baseURL: string, validDays: number, commonName = "timer.example.com", frontdoorName = "default") {
  const { createToken } = await import("@/lib/domain/tokens");
  const { systemPrincipal } = await import("@/lib/domain/access/principal");
  const frontdoor = await (await db()).frontdoor.findUniqueOrThrow({ where: { name: frontdoorName } });
  const token = await createToken(systemPrincipal("e2e"), frontdoor.id, { name: `${commonName} ${validDays}d`, commonName, validDays });
  const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-e2e-"));
  const run = certdoor(["redeem", "--server", baseURL, "--frontdoor", frontdoor.id, "--token", token.token, "--out", dir]);
  expect(run.status, run.stderr).toBe(0);
  const files = { cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") };
  return { frontdoorId: frontdoor.id, dir, files, renew: () => certdoor(["renew", "--server", baseURL, "--frontdoor", frontdoor.id, "--cert", files.cert, "--key", files.key]) };
}
