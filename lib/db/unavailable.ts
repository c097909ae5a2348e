// Whether an error means "the database cannot be reached right now" (it stopped, is
// restarting, or refuses connections) rather than a fault in a statement. Doors answer those
// 503 `unavailable` with Retry-After, and log a warning, not a stack: the request was fine
// and the same request a few seconds later will likely succeed.
//
// The error arrives in one of three shapes: pg's own (a socket error code, "Connection
// terminated…", a SQLSTATE of class 08 or 57P0x), Prisma's known request errors (P1001 and
// friends, with driver adapters), or either of those as the `cause` of another.

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
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to (administrator command|unexpected postmaster exit|crash of another server process)/i,
  /Unable to start a transaction in the given time/i,
  /Timed out fetching a new connection from the connection pool/i,
];

function matches(error: object): boolean {
  const { code, kind, message } = error as { code?: unknown; kind?: unknown; message?: unknown };
  if (typeof code === "string" && (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || isUnavailableSqlState(code))) return true;
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  return typeof message === "string" && MESSAGES.some((pattern) => pattern.test(message));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === "object" && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    if (matches(current)) return true;
    // AggregateError (a connection tried on several addresses) holds its reasons in `errors`.
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner) && inner.some((e) => e && typeof e === "object" && matches(e))) return true;
  }
  return false;
}

/** Seconds a client should wait before trying again: about one restart of PostgreSQL. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** What the log keeps of an unavailable-database error: its message, no stack (the request was not at fault). */
export function unavailableLogFields(error: unknown): { message: string } {
  return { message: String((error as Error | undefined)?.message ?? error) };
}
