import { describe, expect, it } from "vitest";
import { parseCaSubject } from "@/lib/pki/ca-request";

// `--subject` and the console's subject field: a name in certificate order, in Certdoor's
// own "C=…, O=…, CN=…" form or openssl's "/C=…/O=…/CN=…", and what it refuses.

const subjectOf = (text: string) => {
  const parsed = parseCaSubject(text);
  return "name" in parsed ? parsed.name.toString() : parsed.problem;
};

describe("parseCaSubject", () => {
  it("reads both forms in certificate order, with escaped separators", () => {
    expect(subjectOf("C=DE, O=Example Corp, CN=Edge issuing CA")).toBe("C=DE, O=Example Corp, CN=Edge issuing CA");
    expect(subjectOf("/C=DE/O=Example Corp/CN=Edge issuing CA")).toBe("C=DE, O=Example Corp, CN=Edge issuing CA");
    expect(subjectOf("/O=Example\\/Corp, Inc./CN=Edge")).toBe("O=Example/Corp\\, Inc., CN=Edge");
  });

  it("refuses what is not a name, a name without a CN, long values and control characters", () => {
    expect(subjectOf("not a name")).toMatch(/^Not a distinguished name/);
    expect(subjectOf("")).toMatch(/^Not a distinguished name/);
    expect(subjectOf("O=Example Corp")).toBe("The subject needs a CN (common name).");
    expect(subjectOf("O=Example, CN= ")).toBe("The subject needs a CN (common name).");
    expect(subjectOf(`CN=${"x".repeat(65)}`)).toBe("CN is longer than 64 characters.");
    expect(subjectOf("CN=Edge\u0007CA")).toBe("The subject holds a control character.");
  });
});
