import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../lib/clock.ts';
import { createLogger } from '../observability/logger.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import type { SqlSession, SqlValue } from '../storage/sql/sql-database.ts';
import { databaseFileName, openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../storage/sqlite/sqlite-sql-database.ts';
import { openRequestLog } from './open-request-log.ts';

/** The main thread's connection, noting every statement and transaction run through it. */
class WatchedSqliteDatabase extends SqliteSqlDatabase {
  readonly statements: string[] = [];
  transactions = 0;

  override rows<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    this.statements.push(sql);
    return super.rows<Row>(sql, params);
  }

  override run(sql: string, params: readonly SqlValue[]): Promise<number> {
    this.statements.push(sql);
    return super.run(sql, params);
  }

  override transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    this.transactions += 1;
    return super.transaction(work);
  }
}

function recordOf(index: number): RequestRecord {
  return {
    requestId: `req-${String(index).padStart(5, '0')}`,
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    keyId: 'key-1',
    org: 'default',
    requestedModel: 'fast',
    provider: 'mock',
    upstreamModel: 'mock-1',
    deployment: 'mock/mock-1',
    routeReason: 'priority',
    decision: undefined,
    stream: false,
    outcome: 'completed',
    errorCode: undefined,
    attempts: [],
    usage: undefined,
    costUsd: undefined,
    finishReasons: ['stop'],
    durationMs: 12,
    upstreamMs: 10,
  };
}

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const database of opened.splice(0)) database.close();
});

function openState(): { file: string; main: WatchedSqliteDatabase; count(): number } {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-request-log-worker-')), 'state');
  const connection = openSqliteDatabase(stateDir);
  opened.push(connection);
  const main = new WatchedSqliteDatabase(connection);
  const count = (): number =>
    Number(
      (connection.prepare('SELECT count(*) AS n FROM request_log').get() as { n: number | bigint })
        .n,
    );
  return { file: join(stateDir, databaseFileName), main, count };
}

const logLines: string[] = [];
const logger = createLogger({
  level: 'warn',
  destination: { write: (line: string) => void logLines.push(line) },
});

/** The request log on `main`, kept for a day. */
function openDayLog(main: WatchedSqliteDatabase): ReturnType<typeof openRequestLog> {
  return openRequestLog({ enabled: true, retentionMs: 86_400_000 }, main, logger, systemClock);
}

describe('openRequestLog on SQLite', () => {
  it('writes rows on its worker thread, never through the main connection, and close writes all', async () => {
    const state = openState();
    const log = await openDayLog(state.main);
    // More than the writer's batch and more than one flush: queued right before close.
    for (let index = 0; index < 1_050; index += 1) log.record(recordOf(index));
    await log.close(30_000);

    // Every row is in the file, read through the main connection (WAL: committed, so visible).
    expect(state.count()).toBe(1_050);
    const writes = state.main.statements.filter((sql) =>
      /\b(INSERT INTO|DELETE FROM) request_log\b/.test(sql),
    );
    expect(writes).toEqual([]);
    expect(state.main.transactions).toBe(0);
  });

  it('makes each flushed row readable at once through the main connection', async () => {
    const state = openState();
    const log = await openDayLog(state.main);
    log.record(recordOf(1));
    log.record(recordOf(2));
    // What tests do: wait (polling, with a generous bound) until the rows are there.
    const deadline = systemClock.monotonic() + 15_000;
    while (state.count() < 2 && systemClock.monotonic() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(state.count()).toBe(2);
    await log.close(30_000);
  });

  it('waits for a write lock another connection holds, then writes every row', async () => {
    const state = openState();
    const log = await openDayLog(state.main);
    // The ledger or the audit trail writing: its own connection holds the file's write lock.
    const other = new DatabaseSync(state.file);
    opened.push(other);
    other.exec('BEGIN IMMEDIATE');
    for (let index = 0; index < 250; index += 1) log.record(recordOf(index));
    const before = systemClock.monotonic();
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The event loop was never stuck in SQLite's busy wait (up to busy_timeout, 5 s, per try).
    expect(systemClock.monotonic() - before).toBeLessThan(4_000);
    // Nothing got through while the lock was held, and the main thread was free to run this.
    expect(
      (other.prepare('SELECT count(*) AS n FROM request_log').get() as { n: number | bigint }).n,
    ).toBe(0);
    other.exec('COMMIT');
    await log.close(30_000);
    expect(state.count()).toBe(250);
  });
});
