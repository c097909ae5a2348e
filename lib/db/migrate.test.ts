import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { migrationChecksum, scriptMatchesChecksum } from "@/lib/db/migrate";

describe("Prisma-compatible migration checksums", () => {
  it("is the SHA-256 of the script in lower-case hex", () => {
    const sql = 'CREATE TABLE "A" ("id" INTEGER);\n';
    expect(migrationChecksum(sql)).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(migrationChecksum("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("matches across LF and CRLF checkouts, and nothing else", () => {
    const lf = "SELECT 1;\nSELECT 2;\n";
    const crlf = lf.replace(/\n/g, "\r\n");
    expect(scriptMatchesChecksum(crlf, migrationChecksum(lf))).toBe(true);
    expect(scriptMatchesChecksum(lf, migrationChecksum(crlf))).toBe(true);
    expect(scriptMatchesChecksum("SELECT 1;\nSELECT 3;\n", migrationChecksum(lf))).toBe(false);
  });
});
