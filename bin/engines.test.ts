import { readFileSync } from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

// `npm install` on the Node.js package.json promises prints no EBADENGINE warning (issue 15:
// it printed 205 once, for 41 packages that wanted Node 22): every package in the lockfile
// that names the Node versions it runs on accepts the oldest one Certdoor supports.

const root = path.resolve(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }> };

describe("engines", () => {
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it("package.json promises Node 20 from 20.19, and this Node keeps that promise", () => {
    expect(oldest).toBe("20.19.0");
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });

  it("every locked package accepts the oldest promised Node and this one", () => {
    const refusing: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!where || !range) continue;
      for (const version of [oldest, process.version]) {
        if (!semver.satisfies(version, range, { includePrerelease: true })) refusing.push(`${where} wants node ${range}, not ${version}`);
      }
    }
    expect(Object.keys(lock.packages).length).toBeGreaterThan(200);
    expect(refusing).toEqual([]);
  });
});
