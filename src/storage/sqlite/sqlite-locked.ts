import { setTimeout as sleep } from 'node:timers/promises';
import { sqliteLockWaitMs } from './open-sqlite-database.ts';

/** SQLITE_BUSY and SQLITE_LOCKED (and their extended codes): another connection holds the lock. */
export function isSqliteLocked(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return false;
  const primary = Number(error.errcode) & 0xff;
  return primary === 5 || primary === 6;
}

/** The first pause after a locked attempt; each next pause doubles, up to the longest. */
const firstPauseMs = 1;
const longestPauseMs = 32;

/**
 * Runs `attempt` (a synchronous SQLite call on a connection whose `busy_timeout` is 0 or short)
 * and, while it fails because another connection holds the lock, runs it again after a pause on
 * the event loop's timers: 1, 2, 4 … 32 ms, until `waitMs` (by default `sqliteLockWaitMs`) has
 * passed; then the last error is thrown, as SQLite's own wait would. SQLite's own wait sleeps the
 * thread instead, which on the event loop stops every request, and can never end when the lock
 * belongs to another connection of the same thread, held across an `await` inside a
 * transaction. Resolves synchronously-fast when the first attempt succeeds.
 */
export async function retryWhileLocked<T>(attempt: () => T, waitMs = sqliteLockWaitMs): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let pauseMs = firstPauseMs; ; pauseMs = Math.min(pauseMs * 2, longestPauseMs)) {
    try {
      return attempt();
    } catch (error) {
      if (!isSqliteLocked(error) || performance.now() + pauseMs > deadline) throw error;
    }
    await sleep(pauseMs);
  }
}
