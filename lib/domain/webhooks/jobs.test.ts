import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { secondsUntilAttempt, WEBHOOK_MAX_ATTEMPTS } from "@/lib/domain/webhooks/jobs";

describe("the retry schedule", () => {
  it("retries for 24 hours: the last attempt runs after a day, the one before it within the day", () => {
    const day = 24 * 3600;
    expect(secondsUntilAttempt(1)).toBe(0);
    expect(secondsUntilAttempt(2)).toBeCloseTo(Math.E, 5);
    expect(secondsUntilAttempt(WEBHOOK_MAX_ATTEMPTS)).toBeGreaterThanOrEqual(day);
    expect(secondsUntilAttempt(WEBHOOK_MAX_ATTEMPTS - 1)).toBeLessThan(day);
  });

  it("is the trigger's too: the migration queues jobs with the same number of attempts", () => {
    const dir = path.resolve(import.meta.dirname, "..", "..", "..", "prisma", "migrations");
    const sql = readFileSync(path.join(dir, "20261129100000_webhooks", "migration.sql"), "utf8");
    expect(sql).toContain(`ROW('webhook.deliver', p.payload, NULL, NULL, ${WEBHOOK_MAX_ATTEMPTS}, NULL, NULL, NULL)`);
  });
});
