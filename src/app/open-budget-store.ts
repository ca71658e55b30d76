import { closeRedis, connectRedis } from './connect-redis.ts';
import type { RateLimitStorageConfig, StorageConfig } from '../config/gateway-config.ts';
import type { Logger } from '../observability/logger.ts';
import type { BudgetStore } from '../storage/ports.ts';
import { openConfiguredPostgres } from './open-configured-postgres.ts';
import { PostgresSqlDatabase } from '../storage/postgres/postgres-sql-database.ts';
import { RedisBudgetStore } from '../storage/redis/budget-store.ts';
import { SqlBudgetStore } from '../storage/sql/sql-budget-store.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { openSqliteDatabase, sqliteLockWaitMs } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../storage/sqlite/sqlite-sql-database.ts';

/** A budget store and how to let go of what it holds. */
export interface OpenedBudgetStore {
  readonly store: BudgetStore;
  /** The database the ledger is in, for other SQL stores that live beside it. */
  readonly database: SqlDatabase;
  /** Where the store keeps counters: said in logs, so operators know what is shared. */
  readonly description: string;
  close(): Promise<void>;
}

async function openLedger(
  storage: StorageConfig,
  stateDir: string,
): Promise<{ ledger: SqlDatabase; close(): Promise<void> }> {
  if (storage.backend === 'sqlite') {
    // Ledger rows are money: each commit reaches the disk before it counts as written (synced
    // on the thread pool, not inside COMMIT on the event loop).
    const ledger = new SqliteSqlDatabase(openSqliteDatabase(stateDir), {
      syncOffThread: true,
      // On the event loop: a lock held by another connection is waited for on timers.
      lockWaitMs: sqliteLockWaitMs,
    });
    return { ledger, close: () => ledger.close() };
  }
  const opened = await openConfiguredPostgres(storage);
  return { ledger: new PostgresSqlDatabase(opened), close: () => opened.end() };
}

/**
 * Opens where budgets and the spend ledger live. The ledger is always in the configured database
 * (SQLite in the state directory, or PostgreSQL). Budget counters and holds are beside it in the
 * same database, or in Redis when `storage.redis_url` is set (shared by every replica; the
 * counters are built again from the ledger whenever Redis lacks them). A Redis that is down at
 * start is reconnected to in the background; meanwhile budgeted requests are refused (503).
 */
export async function openBudgetStore(
  storage: StorageConfig,
  redis: RateLimitStorageConfig,
  stateDir: string,
  logger: Logger,
): Promise<OpenedBudgetStore> {
  const opened = await openLedger(storage, stateDir);
  const ledger = opened.ledger;
  const close = (): Promise<void> => opened.close();
  if (redis.redisUrl === undefined) {
    return {
      store: new SqlBudgetStore(ledger),
      database: ledger,
      description: `${storage.backend} (counters beside the ledger)`,
      close,
    };
  }
  const client = await connectRedis(
    redis.redisUrl,
    logger,
    'redis for budgets is unreachable; budgeted requests are refused until it answers',
  );
  const prefix = redis.redisKeyPrefix === undefined ? undefined : `${redis.redisKeyPrefix}budget:`;
  return {
    database: ledger,
    store: new RedisBudgetStore({
      client,
      ledger,
      ...(prefix === undefined ? {} : { keyPrefix: prefix }),
    }),
    description: `redis counters, ${storage.backend} ledger`,
    async close() {
      await closeRedis(client);
      await close();
    },
  };
}
