import { describe, expect, it } from "vitest";
import { purgeTokensQuerySchema, retentionSchema } from "@/lib/validation/tokens";

// The purge's olderThan (REST, CLI --older-than, TOKEN_RETENTION) is bounded: PT0S purged
// at once and P99999999999D made a date JavaScript cannot hold (a 500).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("the purge retention", () => {
  it.each([["PT1H", HOUR], ["1h", HOUR], ["P7D", 7 * DAY], ["7d", 7 * DAY], ["P3650D", 3650 * DAY], ["P521W", 521 * 7 * DAY]])("takes %s", (text, ms) => {
    expect(retentionSchema.parse(text)).toBe(ms);
  });

  it.each(["PT0S", "0d", "PT59M59S", "59m", "P3651D", "P522W", "P99999999999D", "99999999999999999999d", "soon", ""])("refuses %j with the bounds in the message", (text) => {
    const result = purgeTokensQuerySchema.safeParse({ status: "expired", olderThan: text });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ["olderThan"], message: expect.stringMatching(/from 1 hour \(PT1H\) to 10 years \(P3650D\)/) })]);
  });
});
