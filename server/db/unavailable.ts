// Is this error "the database cannot be reached right now" (retry later) rather than a bug? The error handler
// answers those with 503 database_unavailable and Retry-After; pg reports them in several shapes.

/** Socket errors of a connection to a server that is down, restarting or unreachable. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** SQLSTATEs: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections; class 08 connection exception. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** pg and pg-pool say these in messages only. */
const MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /is not queryable/, /^Cannot use a pool after calling end/];

/** Seconds a client should wait before retrying (the embedded PostgreSQL restarts within a few seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * pg passes socket errors on unwrapped (an AggregateError when several addresses were tried). A `cause` is not
 * followed: fetch wraps its socket errors in one, and a chain node that is down is not the database.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (MESSAGES.some((m) => m.test(err.message))) return true;
  return err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e));
}
