// A separate "instance" for the audit-chain concurrency test: writes N audit events in
// their own transactions, C at a time, while sealing now and then like a server does.
// Usage: node --conditions=react-server lib/testing/audit-writer.mjs N C LABEL
import path from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
const [count, concurrency, label] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const { getDb, closeDb } = await import("../db.ts");
const { recordAudit } = await import("../domain/audit/events.ts");
const { sealAuditEvents } = await import("../domain/audit/seal.ts");
const { systemPrincipal } = await import("../domain/access/principal.ts");

let next = 0;
const sealer = setInterval(() => void sealAuditEvents().catch(() => undefined), 50);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      await getDb().$transaction((tx) => recordAudit(tx, systemPrincipal(label), { action: "test.concurrent", details: { label, i } }));
    }
  }),
);
clearInterval(sealer);
await closeDb();
process.exit(0);
