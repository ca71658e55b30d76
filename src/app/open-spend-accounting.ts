import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { SpendEnvironment } from '../pipeline/budgets/admit-spend.ts';
import { startHoldReaper, type ReaperAudit } from '../pipeline/budgets/hold-reaper.ts';
import { LedgerWriter } from '../pipeline/budgets/ledger-writer.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { openBudgetStore } from './open-budget-store.ts';

/** The reaper looks for expired holds every quarter of their lifetime, at most every minute. */
const maximumReaperIntervalMs = 60_000;
/**
 * How long a ledger row waits for its request's audit record to be committed before it is
 * written anyway (a request that is not audited): the audit trail commits within about 20 ms.
 */
const ledgerAwaitsAuditMs = 10_000;
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
  /**
   * Starts settling holds whose process died (now, then periodically), with the audit trail's
   * records when it is on. Called once the audit trail is open.
   */
  startReaper(audit: ReaperAudit | undefined): void;
  /** Rows of these requests may be written: their audit records are committed. */
  audited(requestIds: readonly string[]): void;
  /** Stops the reaper (call before the audit trail closes). */
  stopReaper(): void;
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
    awaitAuditMs: config.audit.enabled ? ledgerAwaitsAuditMs : undefined,
    monotonic: () => clock.monotonic(),
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    onWriteFailed(error, pending) {
      logger.error(
        { err: errorName(error), pending },
        'the spend ledger could not be written; rows wait in memory and are retried',
      );
    },
  });
  let reaper: { stop(): void } | undefined;
  const holdTtlMs = config.server.budgetHoldTtlMs;
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
    startReaper(audit) {
      reaper ??= startHoldReaper({
        store: opened.store,
        clock,
        intervalMs: Math.max(250, Math.min(maximumReaperIntervalMs, holdTtlMs / 4)),
        // A pass takes milliseconds; a reaper that died mid-pass leaves its claims this long.
        claimMs: holdTtlMs,
        audit,
        onReaped(count) {
          logger.warn(
            { count },
            'settled budget holds whose requests never finished (their process stopped)',
          );
        },
        onFailed(error) {
          logger.error(
            { err: errorName(error) },
            'budget holds could not be reaped; retrying later',
          );
        },
      });
    },
    audited(requestIds) {
      ledger.audited(requestIds);
    },
    stopReaper() {
      reaper?.stop();
    },
    async close(graceMs) {
      reaper?.stop();
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
