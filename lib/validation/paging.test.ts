import { describe, expect, it } from "vitest";
import { MAX_PAGE, pageQuerySchema } from "@/lib/validation/paging";

// The bound the OpenAPI document gives `page` is the one the lists enforce.

describe("pageQuerySchema", () => {
  const schema = pageQuerySchema(["createdAt"]);

  it("serves pages 0 to MAX_PAGE and refuses any further one", () => {
    expect(schema.parse({ page: String(MAX_PAGE) }).page).toBe(MAX_PAGE);
    expect(schema.parse({}).page).toBe(0);
    for (const page of [String(MAX_PAGE + 1), "9007199254740991", "-1", "1.5"]) expect(schema.safeParse({ page }).success, page).toBe(false);
  });
});
