import { describe, expect, it } from "vitest";
import { problemBody } from "@/lib/http/problem";
import { hasMalformedPath, malformedPathProblem } from "./malformed-path.mjs";

// Found by bench/fuzz-http.ts against the production server: Next.js answered these paths
// with a plain-text 500 before any route ran.

describe("paths that are not percent-encoding", () => {
  it("are told apart from every path Next.js can decode, whatever the query holds", () => {
    for (const bad of ["/frontdoor/%E0%A4%A/ca.pem", "/frontdoor/x/client-certificates/token/%", "/%zz", "/a/%C0%80", "/ocsp/%ED%A0%80"]) expect(hasMalformedPath(bad), bad).toBe(true);
    for (const good of ["/", "/frontdoor/%25E0/ca.pem", "/ocsp/MEow%2FAA%3D%3D", "/x?q=%E0%A4%A", "/%00", "/caf%C3%A9", undefined]) expect(hasMalformedPath(good), String(good)).toBe(false);
  });

  it("are answered with the problem+json every door answers validation_failed with", () => {
    expect(malformedPathProblem).toEqual(problemBody("validation_failed", malformedPathProblem.detail, malformedPathProblem.errors));
  });
});
