import { describeDatabaseError } from "./describe-error";

/**
 * Whether an error means "the database cannot be reached right now" (down, restarting, refusing
 * connections, out of connections) rather than a bug or a bad query. Such errors are the
 * operator's to fix or simply pass, so API clients get 503 with this reason and a Retry-After
 * instead of 500 "Something went wrong".
 */
export const DATABASE_UNAVAILABLE_MESSAGE = "The portal's database is unavailable; retry later.";

/** Seconds an API client should wait before retrying (a restart of the embedded database takes ~1 s). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Prisma's own codes: can't reach (P1001), connect timeout (P1002), operation timeout (P1008), server
// closed the connection (P1017), pool timeout (P2024), too many connections (P2037).
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// What @prisma/adapter-pg reports in meta.driverAdapterError.cause.kind for a connection failure.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
// SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot
// connect now: starting up or shutting down), 53300 (too many connections).
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
// node-postgres reports a server that vanished mid-query only in words.
const MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error|DATABASE_URL is not set|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const e = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown; driverAdapterError?: unknown; errors?: unknown };
    if (typeof e.code === "string" && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
    if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
    if (e.kind === "postgres" && typeof e.code === "string" && SQLSTATE.test(e.code)) return true;
    if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
    stack.push(e.cause, e.meta, e.driverAdapterError);
    // AggregateError (Node's fetch and net report several attempts this way).
    if (Array.isArray(e.errors)) stack.push(...(e.errors as unknown[]));
  }
  return false;
}

/**
 * One line for the server log. Prisma puts the call site first and the cause last ("Can't reach
 * database server at …"), so the last line is the one that says what happened; credentials are masked.
 */
export function databaseErrorSummary(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const last = text.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "unknown database error";
  return describeDatabaseError(new Error(last));
}
