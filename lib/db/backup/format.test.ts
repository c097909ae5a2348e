import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type BackupEntry, readBackup } from "@/lib/db/backup/format";

// The backup reader takes files from anywhere (a restore on a new machine): a crafted file
// must not cost memory or time out of proportion. Crafted here: gzip compresses a line of
// one repeated character about a thousandfold, so a file of kilobytes holds a line of
// dozens of megabytes.

const MiB = 1024 * 1024;
const dir = mkdtempSync(path.join(os.tmpdir(), "certdoor-backup-format-"));
let n = 0;

function gzipFile(...parts: (string | Buffer)[]): string {
  const file = path.join(dir, `crafted-${(n += 1)}.json.gz`);
  writeFileSync(file, gzipSync(Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)))));
  return file;
}

/** A header line that readBackup accepts, for the given body. */
function headerLine(body: string | Buffer, rows: number): string {
  const header = {
    format: "certdoor-backup", formatVersion: 1, certdoorVersion: "test", createdAt: new Date().toISOString(), postgresVersion: "18",
    migrations: [{ name: "0001_init", checksum: "x" }], tables: [{ name: "Note", rows }], sequences: 0, jobs: 0, skippedTables: [],
    sha256: createHash("sha256").update(body).digest("hex"),
  };
  return `${JSON.stringify(header)}\n`;
}

/** A well-formed backup of one table of one text column. */
function backupOf(values: string[]): string {
  const body = [
    JSON.stringify({ section: "table", name: "Note", columns: [{ name: "text", type: "text" }] }),
    ...values.map((v) => JSON.stringify([v])),
    JSON.stringify({ section: "sequences", columns: ["name", "lastValue", "isCalled"] }),
    JSON.stringify({ section: "jobs", columns: ["task"] }),
  ].map((line) => `${line}\n`).join("");
  return gzipFile(headerLine(body, values.length), body);
}

async function readAll(file: string, limits?: Parameters<typeof readBackup>[2]): Promise<BackupEntry[]> {
  const entries: BackupEntry[] = [];
  for await (const entry of readBackup(file, () => {}, limits)) entries.push(entry);
  return entries;
}

describe("reading a backup", () => {
  it("refuses one endless line at the line bound, soon and without holding it whole", async () => {
    const started = performance.now();
    const endlessHeader = gzipFile(Buffer.alloc(80 * MiB, 0x61));
    await expect(readAll(endlessHeader)).rejects.toMatchObject({ code: "backup_invalid", message: expect.stringMatching(/line 1 is longer than 64 MiB/) });
    const endlessRow = Buffer.concat([Buffer.from('["'), Buffer.alloc(80 * MiB, 0x61), Buffer.from('"]\n')]);
    const file = gzipFile(headerLine(endlessRow, 1), endlessRow);
    await expect(readAll(file)).rejects.toMatchObject({ code: "backup_invalid", message: expect.stringMatching(/line 2 is longer than 64 MiB/) });
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 60_000);

  it("refuses a file that decompresses past the size bound", async () => {
    const file = backupOf(Array.from({ length: 20_000 }, (_, i) => `row ${i} ${"x".repeat(100)}`));
    await expect(readAll(file, { maxLineBytes: 4096, maxTotalBytes: MiB })).rejects.toMatchObject({ code: "backup_invalid", message: expect.stringMatching(/decompresses to more than 1 MiB/) });
    expect((await readAll(file, { maxLineBytes: 4096, maxTotalBytes: 4 * MiB })).length).toBeGreaterThan(0);
  });

  it("reads lines that span many chunks, and characters split between chunks, exactly", async () => {
    const long = "é€😀".repeat(200_000); // 1.8 MB of multi-byte characters: gunzip's 16 KiB chunks split some of them
    const values = ["", "plain", long, "a\u2028b", long.slice(1)];
    const entries = await readAll(backupOf(values));
    const rows = entries.flatMap((e) => (e.kind === "rows" ? e.rows : [])).map((r) => r[0]);
    expect(rows).toEqual(values);
  });
});
