// Whether an error means "the database cannot be reached right now" (it stopped, is
// restarting, or refuses connections) rather than a fault in a statement. Doors answer those
// 503 `unavailable` with Retry-After, and log a warning, not a stack: the request was fine
// and the same request a few seconds later will likely succeed.
//
// The error arrives in one of four shapes: pg's own (a socket error code, "Connection
// terminated…", a SQLSTATE of class 08 or 57P0x), Prisma's known request errors (P1001 and
// friends, with driver adapters), Prisma's "query failed" errors (P2010, P2039) that keep the
// SQLSTATE in `meta.driverAdapterError.cause.originalCode`, or any of those as the `cause` of
// another. lib/db/unavailable.prisma.test.ts captures each from the real stack.

/** Socket errors of a connection that is gone or never came. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ECONNABORTED"]);

/**
 * Prisma's codes for an unreachable or closed database, a connection-pool timeout and a
 * transaction that could not start in time (all connections busy or broken).
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);

/** SQLSTATEs: connection exceptions (class 08), the server shutting down, crashing or starting up, too many clients. */
const isUnavailableSqlState = (code: string) => /^08[0-9A-Z]{3}$/.test(code) || ["57P01", "57P02", "57P03", "53300"].includes(code);

/** Driver-adapter error kinds (@prisma/adapter-pg) for the same. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

const MESSAGES = [
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Can't reach database server/i,
  /Server has closed the connection/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections|not accepting connections)/i,
  /terminating connection due to (administrator command|unexpected postmaster exit|crash of another server process)/i,
  /Unable to start a transaction in the given time/i,
  /Timed out fetching a new connection from the connection pool/i,
];

type Node = { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; errors?: unknown; meta?: { driverAdapterError?: unknown } };

/**
 * Every error object reachable from `error`: the `cause` chain, an AggregateError's `errors`
 * (a connection tried on several addresses) and Prisma's `meta.driverAdapterError`, where a
 * known request error (P2010 for raw queries, P2039 for model queries) keeps the adapter's
 * error while its own `code` says only "query failed".
 */
function nodesOf(error: unknown): Node[] {
  const nodes: Node[] = [];
  const queue = [error];
  while (queue.length > 0 && nodes.length < 32) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || nodes.includes(current as Node)) continue;
    const node = current as Node;
    nodes.push(node);
    queue.push(node.cause, node.meta?.driverAdapterError);
    if (Array.isArray(node.errors)) queue.push(...node.errors);
  }
  return nodes;
}

/** Five characters, but not a socket code (EPIPE) or one of Prisma's (P1001…P6xxx). */
const isSqlState = (value: unknown): value is string => typeof value === "string" && /^[0-9A-Z]{5}$/.test(value) && !SOCKET_CODES.has(value) && !/^P[1-9]\d{3}$/.test(value);

/**
 * Structured fields decide: a SQLSTATE anywhere in the chain (pg's `code`, the adapter's
 * `originalCode`) says outage or fault by itself, as do socket codes, Prisma's codes and the
 * adapter's kinds. Only an error with none of them is judged by its message.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const nodes = nodesOf(error);
  const sqlStates = nodes.flatMap((node) => [node.originalCode, node.code].filter(isSqlState));
  if (sqlStates.length > 0) return sqlStates.some(isUnavailableSqlState);
  for (const { code, kind } of nodes) {
    if (typeof code === "string" && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code))) return true;
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  }
  return nodes.some(({ message }) => typeof message === "string" && MESSAGES.some((pattern) => pattern.test(message)));
}

/** Seconds a client should wait before trying again: about one restart of PostgreSQL. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** What the log keeps of an unavailable-database error: its message, no stack (the request was not at fault). */
export function unavailableLogFields(error: unknown): { message: string } {
  return { message: String((error as Error | undefined)?.message ?? error) };
}
