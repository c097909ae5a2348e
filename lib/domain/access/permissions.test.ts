import { describe, expect, it } from "vitest";
import {
  assertCanOperateFrontdoor,
  assertCanReadFrontdoor,
  canAdminister,
  canOperateFrontdoor,
  canReadEverything,
  canReadFrontdoor,
} from "@/lib/domain/access/permissions";
import { type Principal, systemPrincipal } from "@/lib/domain/access/principal";

const MINE = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const user = (role: "admin" | "operator" | "auditor", frontdoorIds: string[] = []): Principal => ({
  kind: "user",
  userId: "u",
  email: "u@example.test",
  role,
  frontdoorIds,
});

describe("the contract's role table", () => {
  const cases: [string, Principal, { readMine: boolean; readOther: boolean; operateMine: boolean; operateOther: boolean; admin: boolean; all: boolean }][] = [
    ["admin", user("admin"), { readMine: true, readOther: true, operateMine: true, operateOther: true, admin: true, all: true }],
    ["operator (member of MINE)", user("operator", [MINE]), { readMine: true, readOther: false, operateMine: true, operateOther: false, admin: false, all: false }],
    ["auditor", user("auditor"), { readMine: true, readOther: true, operateMine: false, operateOther: false, admin: false, all: true }],
    ["system", systemPrincipal("test"), { readMine: true, readOther: true, operateMine: true, operateOther: true, admin: true, all: true }],
  ];
  for (const [label, p, expected] of cases) {
    it(label, () => {
      expect({
        readMine: canReadFrontdoor(p, MINE),
        readOther: canReadFrontdoor(p, OTHER),
        operateMine: canOperateFrontdoor(p, MINE),
        operateOther: canOperateFrontdoor(p, OTHER),
        admin: canAdminister(p),
        all: canReadEverything(p),
      }).toEqual(expected);
    });
  }

  it("hides other tenants as not found and refuses readers with forbidden", () => {
    expect(() => assertCanReadFrontdoor(user("operator", [MINE]), OTHER)).toThrow(expect.objectContaining({ code: "frontdoor_not_found" }));
    expect(() => assertCanOperateFrontdoor(user("operator", [MINE]), OTHER)).toThrow(expect.objectContaining({ code: "frontdoor_not_found" }));
    expect(() => assertCanOperateFrontdoor(user("auditor"), MINE)).toThrow(expect.objectContaining({ code: "forbidden" }));
    expect(() => assertCanOperateFrontdoor(user("operator", [MINE]), MINE)).not.toThrow();
  });
});
