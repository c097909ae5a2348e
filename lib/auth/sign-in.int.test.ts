import { describe, expect, it, vi } from "vitest";
import * as users from "@/lib/domain/users";
import { passwordSignIn } from "@/lib/auth/sign-in";
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
