import { defineConfig } from "prisma/config";

// The app never runs Prisma Migrate here (its native engine cannot be installed on these
// machines); lib/db/migrate.ts applies prisma/migrations itself and records them in
// _prisma_migrations exactly as Prisma does, so `prisma migrate status` agrees with it.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/certdoor" },
});
