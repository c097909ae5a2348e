import { describe, expect, it } from "vitest";
import { passwordStrength } from "@/lib/pki/browser/password-strength";
import { parseRedemptionTarget } from "@/lib/wire/redeem-link";

const fd = "7e10b5ff-c015-42fa-aa3a-e039b97c1617";
const token = "crt_4pmE7A8mhrjrCdCxN27xLWBu7zhHjzUk";

describe("parseRedemptionTarget", () => {
  it("reads the full link, the fragment and the bare pair", () => {
    for (const text of [`https://certs.example.com/redeem#${fd}.${token}`, `#${fd}.${token}`, `  ${fd}.${token}\n`]) {
      expect(parseRedemptionTarget(text)).toEqual({ frontdoorId: fd, token });
    }
  });

  it("refuses what is not a link", () => {
    expect(parseRedemptionTarget(token)).toBeNull();
    expect(parseRedemptionTarget(`${fd}.not-a-token`)).toBeNull();
    expect(parseRedemptionTarget("")).toBeNull();
  });
});

describe("passwordStrength", () => {
  it("grades by length and variety", () => {
    expect(passwordStrength("abc").label).toBe("too short");
    expect(passwordStrength("aaaaaaaaaa").label).toBe("weak");
    expect(passwordStrength("summer2026x").label).toBe("fair");
    expect(passwordStrength("correct horse battery staple").label).toBe("strong");
  });
});
