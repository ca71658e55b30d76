import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { SpendEnvironment } from '../pipeline/budgets/admit-spend.ts';
import { startHoldReaper } from '../pipeline/budgets/hold-reaper.ts';
import { LedgerWriter } from '../pipeline/budgets/ledger-writer.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { openBudgetStore } from './open-budget-store.ts';

/**
 * How long a budget hold may stay before the reaper settles it at the held amount: longer than
 * any request (streams included), so only holds of processes that died are reaped.
 */
const holdTtlMs = 60 * 60_000;
const reaperIntervalMs = 60_000;
/**
 * How long a ledger row waits for others to share its durable commit. Writing behind the answer,
 * it delays no response; a commit per request would spend the event loop on fsync.
 */
const ledgerFlushDelayMs = 20;

function errorName(error: unknown): string {
  // Only the class and code: driver messages may quote connection strings.
  if (error instanceof Error) {
    return 'code' in error ? `${error.name} ${String(error.code)}` : error.name;
  }
  return 'Error';
}

/** Budgets, the ledger writer and the hold reaper, opened together and closed together. */
export interface OpenedSpendAccounting {
  readonly environment: SpendEnvironment;
  /** The ledger's database, shared by the other SQL stores (policies). */
  readonly database: SqlDatabase;
  /** Stops the reaper, writes what is queued (waiting at most `graceMs`), and closes storage. */
  close(graceMs: number): Promise<void>;
}

/** Opens spend accounting for a gateway process. Rejects when the database cannot be opened. */
export async function openSpendAccounting(
  config: GatewayConfig,
  logger: Logger,
  clock: Clock,
): Promise<OpenedSpendAccounting> {
  const opened = await openBudgetStore(
    config.storage,
    config.rateLimitStorage,
    config.stateDir,
    logger,
  );
  const ledger = new LedgerWriter({
    store: opened.store,
    // Rows that may wait in memory while the database is down; then requests are refused.
    capacity: config.server.ledgerBacklog,
    flushDelayMs: ledgerFlushDelayMs,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onWriteFailed(error, pending) {
      logger.error(
        { err: errorName(error), pending },
        'the spend ledger could not be written; rows wait in memory and are retried',
      );
    },
  });
  const reaper = startHoldReaper({
    store: opened.store,
    clock,
    intervalMs: reaperIntervalMs,
    onReaped(count) {
      logger.warn(
        { count },
        'settled budget holds whose requests never finished, at the held amount',
      );
    },
    onFailed(error) {
      logger.error({ err: errorName(error) }, 'budget holds could not be reaped; retrying later');
    },
  });
  const alerted = new Set<string>();
  return {
    database: opened.database,
    environment: {
      store: opened.store,
      ledger,
      clock,
      holdTtlMs,
      onSoftBudgetExceeded(line, spentNanos) {
        if (alerted.has(line.key)) return;
        alerted.add(line.key);
        logger.warn(
          {
            budget: line.key,
            spentUsd: spentNanos / 1e9,
            limitUsd: line.limitNanos / 1e9,
          },
          'a soft budget was exceeded (spent and held)',
        );
      },
    },
    async close(graceMs) {
      reaper.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        ledger.flush(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (ledger.pending > 0) {
        logger.error(
          { pending: ledger.pending },
          'the spend ledger could not be written before shutdown; these rows are lost',
        );
      }
      await opened.close();
    },
  };
}
