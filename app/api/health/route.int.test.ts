import { describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db";
import { applyRuntime, env } from "@/lib/env";
import { GET } from "./route";

describe("GET /api/health", () => {
  it("answers 200 { status: ok } when the database answers", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 503 when the database does not", async () => {
    const working = env.DATABASE_URL!;
    await closeDb();
    applyRuntime({ DATABASE_URL: "postgresql://nobody:nothing@127.0.0.1:1/none", AUTH_SECRET: "x", CERTDOOR_MASTER_KEY: "x" });
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable" });
    } finally {
      await closeDb();
      applyRuntime({ DATABASE_URL: working, AUTH_SECRET: env.AUTH_SECRET!, CERTDOOR_MASTER_KEY: env.CERTDOOR_MASTER_KEY! });
    }
  });
});
