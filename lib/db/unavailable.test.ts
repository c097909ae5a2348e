import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

// Which failures are "the database is not there right now" (503, retry) and which are faults
// (500 with a reference). The shapes are the ones pg, @prisma/adapter-pg and Prisma produce.

const withCode = (message: string, code: string, extra: object = {}) => Object.assign(new Error(message), { code, ...extra });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED", { syscall: "connect", errno: -111 })],
    ["a broken pipe (EPIPE, five letters like a SQLSTATE)", withCode("write EPIPE", "EPIPE")],
    ["the adapter's error under Prisma's P2010", Object.assign(new Error("Raw query failed. Code: `57P03`."), { code: "P2010", meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "postgres", originalCode: "57P03" } } } })],
    ["a connection cut by a killed server", new Error("Connection terminated unexpectedly")],
    ["pg's connect timeout", new Error("timeout exceeded when trying to connect")],
    ["a server starting up (57P03)", withCode("the database system is starting up", "57P03", { severity: "FATAL" })],
    ["a crash of another backend (57P02)", withCode("terminating connection because of crash of another server process", "57P02")],
    ["Prisma's unreachable database", withCode("Can't reach database server at 127.0.0.1:5432", "P1001")],
    ["Prisma's pool timeout", withCode("Timed out fetching a new connection from the connection pool.", "P2024")],
    ["a transaction that could not start in time", withCode("Transaction API error: Unable to start a transaction in the given time.", "P2028")],
    ["an adapter error kind", Object.assign(new Error("adapter"), { cause: { kind: "DatabaseNotReachable", host: "127.0.0.1" } })],
    ["one wrapped as a cause", new Error("query failed", { cause: new Error("Connection terminated unexpectedly") })],
    ["an AggregateError of connection attempts", new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], "")],
  ])("%s is unavailable", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", withCode("duplicate key value violates unique constraint", "23505")],
    ["a syntax error", withCode("syntax error at or near \"SELEC\"", "42601")],
    ["a record not found", withCode("No record was found", "P2025")],
    ["a fault whose words sound like an outage", withCode("the database system is starting up (words only)", "XX000")],
    ["a PL/pgSQL exception (P0001, not one of Prisma's codes)", withCode("raised", "P0001")],
    ["a plain bug", new TypeError("Cannot read properties of undefined (reading 'id')")],
    ["not an error at all", "ECONNREFUSED"],
    ["a cycle of causes", (() => { const e = new Error("a") as Error & { cause?: unknown }; e.cause = e; return e; })()],
  ])("%s is not", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
