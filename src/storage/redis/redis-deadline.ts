/**
 * How long a Redis call may take before the gateway treats Redis as unreachable. node-redis has no
 * reply timeout: once a command is written it waits as long as the connection stays open, so a
 * paused Redis (SIGSTOP, a blackholed link, a stuck failover) would hold every request forever.
 * Redis answers in well under a millisecond when healthy; a second is a fault.
 */
export const redisDeadlineMs = 1_000;

/** A Redis call that got no answer before its deadline (it may still complete later). */
export class RedisDeadlineError extends Error {
  constructor(ms: number) {
    super(`redis did not answer within ${String(ms)} ms`);
    this.name = 'RedisDeadlineError';
  }
}

/**
 * Settles as `operation` does, or rejects with {@link RedisDeadlineError} after `ms`. An operation
 * that succeeds after its deadline may already have changed Redis: `onLate` receives its result
 * so the caller can undo what nobody waited for (release a lease or a hold).
 */
export function withRedisDeadline<T>(
  operation: Promise<T>,
  ms: number,
  onLate?: (value: T) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new RedisDeadlineError(ms));
    }, ms);
  });
  operation.then(
    (value) => {
      if (expired) onLate?.(value);
    },
    () => undefined,
  );
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}
