import { createConsoleSessionAccess } from '../gateway/console-session-access.ts';
import type { ConsoleSessionAccess } from '../gateway/console-session-access.ts';
import type { Clock } from '../lib/clock.ts';
import { ConsoleSessions } from '../pipeline/identity/console-sessions.ts';
import type { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import { SignInThrottle } from '../pipeline/identity/sign-in-throttle.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { SqlConsoleSessionStore } from '../storage/sql/sql-console-session-store.ts';

/**
 * Console sessions in the state database (the one the ledger and policies use, SQLite or
 * PostgreSQL), so every worker and replica shares them. Each use re-reads the session's key
 * through the authenticator's cache, which follows other processes' key changes within its
 * refresh interval (one second); changes made by this process apply at once.
 */
export function openConsoleSessions(
  database: SqlDatabase,
  authenticator: KeyAuthenticator,
  clock: Clock,
): ConsoleSessionAccess {
  return createConsoleSessionAccess(
    new ConsoleSessions({
      store: new SqlConsoleSessionStore(database),
      clock,
      principalOfKey: (reference) => authenticator.principalOfKeyId(reference),
      referenceOf: (principal) => authenticator.referenceOf(principal),
    }),
    authenticator,
    new SignInThrottle({ clock }),
  );
}
