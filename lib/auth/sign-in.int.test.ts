import { describe, expect, it, vi } from "vitest";
import * as users from "@/lib/domain/access/users";
import { hashPassword } from "@/lib/auth/password";
import { passwordSignIn } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db";
import { makeUser } from "@/lib/testing/fixtures";

// The limits live in PostgreSQL; each test uses its own addresses and emails.

describe("sign-in limits", () => {
  it("an address changing the email each time is stopped after 30 failures, before any more password checks", async () => {
    const check = vi.spyOn(users, "verifyCredentials");
    const ip = "203.0.113.101";
    for (let i = 0; i < 30; i++) expect((await passwordSignIn(`nobody${i}@example.test`, "wrong password", ip)).kind).toBe("wrong");
    const calls = check.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(30);
    expect((await passwordSignIn("nobody-else@example.test", "wrong password", ip)).kind).toBe("rate_limited");
    expect(check.mock.calls.length).toBe(calls);
    // The address's own limit does not touch other addresses.
    const user = await makeUser("operator");
    expect((await passwordSignIn(user.email, user.password, "203.0.113.102")).kind).toBe("ok");
    check.mockRestore();
  });

  it("one account guessed from rotating addresses is locked after 50 failures, with the same answer as for an unknown account", async () => {
    const user = await makeUser("admin");
    for (let i = 0; i < 50; i++) expect((await passwordSignIn(user.email, `guess ${i}`, `198.51.100.${i + 1}`)).kind).toBe("wrong");
    // Even the right password waits now, from a fresh address: that is the lockout.
    expect(await passwordSignIn(user.email, user.password, "192.0.2.200")).toEqual({ kind: "rate_limited" });
    for (let i = 0; i < 50; i++) await passwordSignIn("ghost@example.test", `guess ${i}`, `198.51.100.${i + 1}`);
    expect(await passwordSignIn("ghost@example.test", "anything", "192.0.2.201")).toEqual({ kind: "rate_limited" });
  });

  it("the pair limit still stops 10 failures of one email from one address", async () => {
    const user = await makeUser("operator");
    for (let i = 0; i < 10; i++) await passwordSignIn(user.email, "wrong", "203.0.113.150");
    expect((await passwordSignIn(user.email, user.password, "203.0.113.150")).kind).toBe("rate_limited");
    expect((await passwordSignIn(user.email, user.password, "203.0.113.151")).kind).toBe("ok");
  });
});

describe("sign-in limits under a burst", () => {
  it("40 concurrent wrong passwords for one email from one address: at most 10 password checks, the rest refused", async () => {
    const user = await makeUser("operator");
    const check = vi.spyOn(users, "verifyCredentials");
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => passwordSignIn(user.email, `wrong ${i}`, "203.0.113.160")));
    expect(check.mock.calls.length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((o) => o.kind === "wrong").length).toBeLessThanOrEqual(10);
    expect(outcomes.filter((o) => o.kind === "rate_limited").length).toBeGreaterThanOrEqual(30);
    check.mockRestore();
    expect((await passwordSignIn(user.email, user.password, "203.0.113.160")).kind).toBe("rate_limited");
  });

  it("an IPv6 client counts as its /64: rotating the interface part buys no more guesses", async () => {
    for (let i = 0; i < 30; i++) expect((await passwordSignIn(`v6-${i}@example.test`, "wrong", `2001:db8:1:2::${(i + 1).toString(16)}`)).kind).toBe("wrong");
    expect((await passwordSignIn("v6-last@example.test", "wrong", "2001:db8:1:2:ffff:ffff:ffff:ffff")).kind).toBe("rate_limited");
    // The next /64 is another address.
    expect((await passwordSignIn("v6-last@example.test", "wrong", "2001:db8:1:3::1")).kind).toBe("wrong");
  });
});

/** An admin who signed in once from `home` (its device cookie), then 50 wrong guesses from elsewhere: the account limit is used up. */
async function lockedOutAfterSignIn(home: string, firstGuesser: number) {
  const user = await makeUser("admin");
  const first = await passwordSignIn(user.email, user.password, home);
  if (first.kind !== "ok") throw new Error("first sign-in failed");
  for (let i = 0; i < 50; i++) expect((await passwordSignIn(user.email, `guess ${i}`, `198.51.100.${i + firstGuesser}`)).kind).toBe("wrong");
  return { user, first };
}

describe("the device cookie", () => {
  it("after 50 failures from elsewhere a fresh browser is locked out, a browser that signed in before is not; its own guesses still meet the pair limit", async () => {
    const { user, first } = await lockedOutAfterSignIn("192.0.2.50", 100);
    expect((await passwordSignIn(user.email, user.password, "192.0.2.51")).kind).toBe("rate_limited");
    // Another account's cookie, or a forged one, does not open this account's limit.
    const other = await makeUser("operator");
    const otherDevice = await passwordSignIn(other.email, other.password, "192.0.2.52");
    if (otherDevice.kind !== "ok") throw new Error("other sign-in failed");
    expect((await passwordSignIn(user.email, user.password, "192.0.2.52", otherDevice.device)).kind).toBe("rate_limited");
    expect((await passwordSignIn(user.email, user.password, "192.0.2.52", `${first.device.slice(0, -2)}xx`)).kind).toBe("rate_limited");

    const again = await passwordSignIn(user.email, user.password, "192.0.2.53", first.device);
    expect(again).toMatchObject({ kind: "ok", userId: user.user.id });
    for (let i = 0; i < 10; i++) expect((await passwordSignIn(user.email, `mine ${i}`, "192.0.2.54", first.device)).kind).toBe("wrong");
    expect((await passwordSignIn(user.email, user.password, "192.0.2.54", first.device)).kind).toBe("rate_limited");
  });
});

describe("the device cookie after a new password", () => {
  it("a cookie given out under the old password no longer passes the account limit (an ex-holder of the password keeps nothing)", async () => {
    const { user, first } = await lockedOutAfterSignIn("192.0.2.60", 150);
    // The password changes (an admin resets it): the row's hash is new.
    const newPassword = "a brand new password 42";
    await getDb().user.update({ where: { id: user.user.id }, data: { passwordHash: await hashPassword(newPassword) } });
    expect((await passwordSignIn(user.email, newPassword, "192.0.2.61", first.device)).kind).toBe("rate_limited");
  });
});
