import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILE, frontdoorProfileSchema } from "@/lib/validation/frontdoors";

// The profile's extended key usages: what a client certificate may carry, and nothing that
// turns it into something else.

const ekus = (list: string[]) => frontdoorProfileSchema.safeParse({ ...DEFAULT_PROFILE, extendedKeyUsage: list });

describe("the profile's extendedKeyUsage", () => {
  it("refuses OCSPSigning and anyExtendedKeyUsage, which would make a leaf an OCSP responder or allow every usage", () => {
    expect(ekus(["1.3.6.1.5.5.7.3.9"]).success).toBe(false);
    expect(ekus(["2.5.29.37.0"]).success).toBe(false);
  });

  it("refuses an OID whose second arc cannot be encoded under arcs 0 and 1", () => {
    expect(ekus(["1.40.1"]).success).toBe(false);
    expect(ekus(["2.999.1"]).success).toBe(true);
  });

  it("keeps clientAuth first and counts a named usage and its OID once", () => {
    const parsed = ekus(["1.3.6.1.5.5.7.3.2", "serverAuth", "1.3.6.1.5.5.7.3.1", "1.3.6.1.4.1.311.20.2.2"]);
    expect(parsed.success && parsed.data.extendedKeyUsage).toEqual(["clientAuth", "serverAuth", "1.3.6.1.4.1.311.20.2.2"]);
  });
});
