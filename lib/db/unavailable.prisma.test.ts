import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { PrismaClient } from "@/lib/generated/prisma/client";

// The errors Prisma 7 really throws, not hand-built look-alikes: a stand-in PostgreSQL speaks
// just enough of the wire protocol to refuse the connection (or a query) with a chosen
// SQLSTATE, the way a server that is down, starting, recovering or full does, and the real
// pg + @prisma/adapter-pg + PrismaClient stack turns that into whatever it turns it into
// (P2010 with the SQLSTATE in meta.driverAdapterError.cause.originalCode for raw queries,
// P2039 for model queries, P2037 for too many clients...). CI failed at random on exactly
// that first shape: 57P03 "not yet accepting connections" while PostgreSQL replayed its log.

type Refusal = { when: "startup" | "query"; code: string; message: string; severity?: "FATAL" | "ERROR" };

function errorResponse({ code, message, severity = "FATAL" }: Refusal): Buffer {
  const fields = Buffer.concat([
    ...(
      [
        ["S", severity],
        ["V", severity],
        ["C", code],
        ["M", message],
      ] as const
    ).map(([type, value]) => Buffer.concat([Buffer.from(type), Buffer.from(value), Buffer.from([0])])),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
};
const authenticationOk = message("R", Buffer.from([0, 0, 0, 0]));
const readyForQuery = message("Z", Buffer.from("I"));

/** A PostgreSQL stand-in that refuses as `refusal` says; its port. */
async function standIn(refusal: Refusal): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let startedUp = false;
    let refused = false;
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        // The startup message has no type byte; every later message has one.
        const offset = startedUp ? 1 : 0;
        if (buffered.length < offset + 4) return;
        const length = buffered.readInt32BE(offset);
        if (buffered.length < offset + length) return;
        const type = startedUp ? String.fromCharCode(buffered[0]!) : "startup";
        buffered = buffered.subarray(offset + length);
        if (type === "startup") {
          startedUp = true;
          if (refusal.when === "startup") return void socket.end(errorResponse(refusal));
          socket.write(Buffer.concat([authenticationOk, readyForQuery]));
        } else if (type === "X") {
          return void socket.end();
        } else if (!refused) {
          refused = true;
          if ((refusal.severity ?? "FATAL") === "FATAL") return void socket.end(errorResponse(refusal));
          socket.write(errorResponse(refusal));
        }
        if (type === "S" || type === "Q") {
          refused = false;
          socket.write(readyForQuery);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What each way of reaching the database throws against a stand-in refusing as `refusal` says. */
async function thrownBy(refusal: Refusal) {
  const server = await standIn(refusal);
  const pool = new pg.Pool({ connectionString: `postgresql://certdoor:x@127.0.0.1:${server.port}/certdoor`, max: 2, connectionTimeoutMillis: 5_000 });
  pool.on("error", () => {});
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  const caught = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error("the stand-in answered instead of refusing");
  };
  try {
    return {
      "a raw query ($queryRaw)": await caught(() => db.$queryRaw`SELECT 1`),
      "a raw statement ($executeRaw)": await caught(() => db.$executeRaw`UPDATE "Setting" SET "value" = 'x' WHERE false`),
      "a model query": await caught(() => db.frontdoor.findFirst({ select: { id: true } })),
      "an interactive transaction": await caught(() => db.$transaction(async (tx) => tx.$queryRaw`SELECT 1`)),
    };
  } finally {
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await server.close();
  }
}

const outages: Refusal[] = [
  { when: "startup", code: "57P03", message: "the database system is not yet accepting connections" },
  { when: "startup", code: "57P03", message: "the database system is starting up" },
  { when: "startup", code: "57P03", message: "the database system is in recovery mode" },
  { when: "startup", code: "57P03", message: "the database system is shutting down" },
  { when: "startup", code: "53300", message: "sorry, too many clients already" },
  { when: "startup", code: "08006", message: "connection failure" },
  { when: "startup", code: "08P01", message: "a protocol violation the server reports as a connection exception" },
  { when: "query", code: "57P01", message: "terminating connection due to administrator command" },
  { when: "query", code: "57P02", message: "terminating connection because of crash of another server process" },
];

// Statements that fail on a healthy server: these must stay 500s (they are our bugs).
const faults: Refusal[] = [
  { when: "query", code: "42601", message: 'syntax error at or near "SELEC"', severity: "ERROR" },
  { when: "query", code: "42P01", message: 'relation "nope" does not exist', severity: "ERROR" },
  // A message that mentions recovery but is no outage: the SQLSTATE decides, not the words.
  { when: "query", code: "XX000", message: "could not read block: the database system is starting up in a test", severity: "ERROR" },
];

describe("isDatabaseUnavailable on the errors Prisma 7 throws", () => {
  const shapes = new Map<Refusal, Record<string, unknown>>();
  beforeAll(async () => {
    for (const refusal of [...outages, ...faults]) shapes.set(refusal, await thrownBy(refusal));
  }, 60_000);
  afterAll(() => shapes.clear());

  it("the stand-in reproduces CI's error: P2010 with the SQLSTATE only in meta.driverAdapterError", () => {
    const raw = shapes.get(outages[0]!)!["a raw query ($queryRaw)"] as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
    expect(raw.code).toBe("P2010");
    expect(raw.message).toContain("57P03");
    expect(raw.meta?.driverAdapterError?.cause?.originalCode).toBe("57P03");
  });

  it.each(outages.map((refusal) => [`${refusal.code} at ${refusal.when} ("${refusal.message}")`, refusal] as const))("%s is unavailable, whichever way it was reached", (_, refusal) => {
    for (const [way, error] of Object.entries(shapes.get(refusal)!)) {
      expect({ way, unavailable: isDatabaseUnavailable(error) }).toEqual({ way, unavailable: true });
    }
  });

  it.each(faults.map((refusal) => [`${refusal.code} ("${refusal.message}")`, refusal] as const))("%s is a fault, not an outage", (_, refusal) => {
    for (const [way, error] of Object.entries(shapes.get(refusal)!)) {
      expect({ way, unavailable: isDatabaseUnavailable(error) }).toEqual({ way, unavailable: false });
    }
  });
});
