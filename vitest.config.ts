import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: unit tests (pure logic, next to the code as *.test.ts) and integration
// tests (*.int.test.ts) against a real PostgreSQL that globalSetup starts in a temporary
// folder; each integration file gets its own database cloned from a migrated template.

const alias = {
  "@": path.resolve(import.meta.dirname),
  // Shared lib/ modules guard themselves with server-only; tests run them on the server.
  "server-only": path.resolve(import.meta.dirname, "lib/testing/empty-module.ts"),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "bin/**/*.test.ts", "components/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["node_modules/**", "data/**"],
          environment: "node",
          globalSetup: ["lib/testing/global-setup.ts"],
          // next-auth imports "next/server" without an extension, which Node's ESM
          // resolver refuses; letting Vite resolve it fixes that.
          server: { deps: { inline: ["next-auth", "@auth/core"] } },
          setupFiles: ["lib/testing/database-per-file.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
