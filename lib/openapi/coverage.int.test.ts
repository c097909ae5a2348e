import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/openapi/document";

// Every public door in app/ is in the OpenAPI document, with each method it exports: a new
// route cannot land undocumented. (The console's own routes, Auth.js and the redemption
// page's preview are not part of the public API.)

const APP = path.resolve(import.meta.dirname, "..", "..", "app");
const PRIVATE = [/^\/\(console\)\//, /^\/api\/auth\//, /^\/api\/redeem\//];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** app/frontdoor/[frontdoorId]/ocsp/[...request]/route.ts → /frontdoor/{frontdoorId}/ocsp/{request} */
const documentedPath = (file: string) =>
  path
    .dirname(path.relative(APP, file))
    .split(path.sep)
    .map((part) => part.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}"))
    .reduce((url, part) => `${url}/${part}`, "");

/** Handlers next.config.js rewrites a public path to (POST /frontdoors), by destination. */
async function rewrittenFrom(): Promise<Map<string, string>> {
  type Rule = { source: string; destination: string };
  type Config = (phase: string) => Promise<{ rewrites: () => Promise<{ beforeFiles: Rule[] }> }>;
  const { default: config } = (await import(path.join(APP, "..", "next.config.js"))) as { default: Config };
  const { beforeFiles } = await (await config("phase-test")).rewrites();
  return new Map(beforeFiles.map((rule) => [rule.destination, rule.source]));
}

describe("the OpenAPI document covers every public route", () => {
  it("has each route file's path and exported methods", async () => {
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const publicPath = await rewrittenFrom();
    const missing: string[] = [];
    const checked: string[] = [];
    for (const file of routeFiles(APP)) {
      const url = publicPath.get(documentedPath(file)) ?? documentedPath(file);
      if (PRIVATE.some((p) => p.test(`${url}/`))) continue;
      const methods = Object.keys(await import(file)).filter((name) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(name));
      for (const method of methods) {
        checked.push(`${method} ${url}`);
        if (!document.paths[url]?.[method.toLowerCase()]) missing.push(`${method} ${url}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining(["POST /frontdoor/{frontdoorId}/certificate-request-tokens/batch", "GET /frontdoor/{frontdoorId}/ocsp/{request}", "GET /api/health", "POST /frontdoors", "PATCH /frontdoor/{frontdoorId}"]));
  });
});
