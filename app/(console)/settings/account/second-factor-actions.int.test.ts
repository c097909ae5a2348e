import { beforeAll, describe, expect, it, vi } from "vitest";
import * as account from "@/app/(console)/settings/account/actions";
import * as settings from "@/app/(console)/settings/actions";
import * as users from "@/app/(console)/settings/users/actions";
import * as secondStep from "@/app/login/second-factor/actions";
import type { ActionResult } from "@/lib/console/action";
import { getDb } from "@/lib/db";
import { makeUser } from "@/lib/testing/fixtures";
import { sessionCookie, setRequestHeaders } from "@/lib/testing/next-headers";

// The second factor's server actions called directly, as a hostile client can: signed out
// they answer `unauthenticated`; signed in, odd arguments are refused with a contract code,
// never `internal`, and change no factor or setting.

vi.mock("next/headers", () => import("@/lib/testing/next-headers"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const HOSTILE: unknown[] = [undefined, null, "", "\u0000", "a\u0000b", "\ud800", "x".repeat(300), 42, [], {}, { name: "\u0000", response: { id: "\u0000" } }, { name: "k", response: { id: "a", rawId: "a", type: "public-key", response: {} } }];

type Action = (...args: unknown[]) => Promise<ActionResult<unknown> | unknown>;
const ACTIONS: [string, Action][] = [
  ["beginTotpAction", account.beginTotpAction],
  ["confirmTotpAction", account.confirmTotpAction as Action],
  ["passkeyOptionsAction", account.passkeyOptionsAction],
  ["registerPasskeyAction", account.registerPasskeyAction as Action],
  ["removePasskeyAction", account.removePasskeyAction as Action],
  ["removeTotpAction", account.removeTotpAction],
  ["regenerateRecoveryCodesAction", account.regenerateRecoveryCodesAction],
  ["setSecondFactorPolicyAction", settings.setSecondFactorPolicyAction as Action],
  ["resetSecondFactorAction", users.resetSecondFactorAction as Action],
  ["secondStepPasskeyOptionsAction", secondStep.secondStepPasskeyOptionsAction],
  ["verifySecondStepPasskeyAction", secondStep.verifySecondStepPasskeyAction as Action],
];

const factorsAndSettings = async () => {
  const db = getDb();
  return Promise.all([db.totpFactor.count({ where: { confirmedAt: { not: null } } }), db.passkey.count(), db.recoveryCode.count(), db.setting.count()]);
};

let adminCookie: string;
beforeAll(async () => {
  adminCookie = await sessionCookie((await makeUser("admin")).user.id);
});

describe("second factor actions called directly", () => {
  it("signed out: unauthenticated, whatever the arguments", async () => {
    setRequestHeaders({});
    for (const [name, action] of ACTIONS) {
      for (const value of HOSTILE) expect(await action(value), name).toMatchObject({ ok: false, code: "unauthenticated" });
    }
    const form = new FormData();
    form.set("code", "123456");
    expect(await secondStep.verifySecondStepAction({}, form)).toEqual({ error: "Sign in again." });
  });

  it("signed in: odd arguments are refused with a contract code, never internal, and change nothing", async () => {
    const before = await factorsAndSettings();
    setRequestHeaders({ cookie: adminCookie, host: "localhost:3000" });
    for (const [name, action] of ACTIONS.filter(([n]) => !["beginTotpAction", "passkeyOptionsAction"].includes(n))) {
      for (const value of HOSTILE) {
        const result = (await action(value)) as ActionResult<unknown>;
        expect(result.ok ? "ok" : result.code, `${name}(${JSON.stringify(value)})`).not.toMatch(/^(internal|ok)$/);
      }
    }
    expect(await factorsAndSettings()).toEqual(before);
  });
});
