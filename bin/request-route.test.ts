import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routeOf } from "./request-route.mjs";

// Every page and route handler under app/ has a template of its own in logs and metrics, so
// nothing Certdoor serves is counted as "other", and a secret in a path never shows.

const SECRET = "crt_4pmE7A8mhrjrCdCxN27xLWBu7zhHjzUk";

/** The URL paths of app/: route groups dropped, each [param] a sample value, [...rest] two segments. */
function appPaths(dir = path.resolve(import.meta.dirname, "..", "app"), prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && /^(page\.tsx|route\.ts)$/.test(entry.name)) found.push(prefix || "/");
    if (!entry.isDirectory()) continue;
    const segment = entry.name.startsWith("(") ? "" : entry.name.startsWith("[...") ? "/a/b" : entry.name === "[token]" ? `/${SECRET}` : entry.name.startsWith("[") ? "/0b7e3c1a-1111-4222-8333-444455556666" : `/${entry.name}`;
    found.push(...appPaths(path.join(dir, entry.name), prefix + segment));
  }
  return found;
}

describe("routeOf", () => {
  const paths = appPaths();

  it("gives every page and route handler of app/ a template, never 'other'", () => {
    expect(paths.length).toBeGreaterThan(40);
    for (const url of paths) expect(routeOf(url), url).not.toBe("other");
  });

  it("names parameters instead of ids and secrets, also with a query string", () => {
    for (const url of paths) {
      const route = routeOf(`${url}?q=1`);
      expect(route, url).not.toContain("0b7e3c1a");
      expect(route, url).not.toContain(SECRET);
    }
    expect(routeOf(`/frontdoor/x/crl/y`)).toBe("/frontdoor/{frontdoorId}/crl/{caId}");
    expect(routeOf(`/frontdoor/x/ca/y.crt`)).toBe("/frontdoor/{frontdoorId}/ca/{caFile}");
    expect(routeOf("/no/such/page")).toBe("other");
  });
});
