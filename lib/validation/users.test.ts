import { describe, expect, it } from "vitest";
import { createUserSchema } from "@/lib/validation/users";

describe("createUserSchema", () => {
  it("normalises the email and accepts admin@localhost", () => {
    expect(createUserSchema.parse({ email: " Admin@LocalHost ", role: "admin" })).toMatchObject({
      email: "admin@localhost",
      frontdoorIds: [],
    });
  });

  it("rejects short passwords, unknown roles and malformed Frontdoor ids", () => {
    const result = createUserSchema.safeParse({ email: "a@b", role: "owner", password: "short", frontdoorIds: ["x"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["role", "password", "frontdoorIds.0"]));
  });
});
