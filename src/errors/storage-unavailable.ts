/** Socket errors of a database or Redis connection that is refused, reset or unreachable. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs meaning "not now" rather than "wrong": connection exceptions (class 08),
 * the server shutting down or restarting (57P01-57P03), too many connections (53300) and a
 * read-only server (25006, e.g. a standby during a failover).
 */
const unavailableSqlState = /^(08...|57P0[1-3]|53300|25006)$/;

/** What node-postgres and node-redis say when a connection breaks or cannot be made in time. */
const unavailableMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'The client is closed',
  'Socket closed unexpectedly',
];

/**
 * Whether an error thrown by the gateway's own storage means it is unreachable for now (a 503 the
 * client may retry), not a bug (a 500). Upstream provider failures never get here: they are
 * classified where providers are called.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (networkCodes.has(code) || unavailableSqlState.test(code))) {
    return true;
  }
  if (error.name === 'RedisDeadlineError') return true;
  if (unavailableMessages.some((message) => error.message.includes(message))) return true;
  return error instanceof AggregateError && error.errors.some(isStorageUnavailable);
}
