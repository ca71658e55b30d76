import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openKeyStore } from '../../app/open-key-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

/** Two connections to one new database file, as the ledger and the audit trail have. */
function twoConnections(lockWaitMs: number): {
  first: SqliteSqlDatabase;
  second: SqliteSqlDatabase;
  count: () => number;
} {
  const stateDir = mkdtempSync(join(tmpdir(), 'signalbox-sqlite-locks-'));
  const raw = openSqliteDatabase(stateDir);
  raw.exec('CREATE TABLE t (n INTEGER)');
  return {
    first: new SqliteSqlDatabase(raw, { lockWaitMs }),
    second: new SqliteSqlDatabase(openSqliteDatabase(stateDir), { lockWaitMs }),
    count: () => (raw.prepare('SELECT count(*) AS c FROM t').get() as { c: number }).c,
  };
}

/** A transaction that holds the write lock across a pause on the event loop. */
function holdAcross(database: SqliteSqlDatabase, pauseMs: number): Promise<void> {
  return database.transaction(async (session) => {
    await session.run('INSERT INTO t VALUES (1)', []);
    await sleep(pauseMs);
    await session.run('INSERT INTO t VALUES (2)', []);
  });
}

describe('SqliteSqlDatabase with lockWaitMs (waiting for locks off the thread)', () => {
  it('waits for a lock held by another connection of the same thread instead of deadlocking', async () => {
    const { first, second, count } = twoConnections(5_000);
    const started = performance.now();
    const holding = holdAcross(first, 100);
    await sleep(10); // the first transaction now holds the lock, waiting on a timer
    const waiting = second.transaction(async (session) => {
      await session.run('INSERT INTO t VALUES (3)', []);
    });
    await Promise.all([holding, waiting]);
    expect(count()).toBe(3);
    // SQLite's own wait would sleep the thread: the holder could not go on, and the wait would
    // run out after busy_timeout (5 s) with "database is locked".
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('waits for a single statement too', async () => {
    const { first, second, count } = twoConnections(5_000);
    const holding = holdAcross(first, 50);
    await sleep(10);
    await second.run('INSERT INTO t VALUES (3)', []);
    await holding;
    expect(count()).toBe(3);
  });

  it('fails as locked once lockWaitMs has passed, and writes nothing', async () => {
    const { first, second, count } = twoConnections(100);
    const holding = holdAcross(first, 400);
    await sleep(10);
    const started = performance.now();
    const refused = second.transaction(async (session) => {
      await session.run('INSERT INTO t VALUES (3)', []);
    });
    await expect(refused).rejects.toMatchObject({ errcode: 5 });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(60); // it waited, and gave up before the holder let go
    await holding;
    expect(count()).toBe(2);
    // The connection is usable afterwards (no transaction left open).
    await second.run('INSERT INTO t VALUES (4)', []);
    expect(count()).toBe(3);
  });
});

describe('the key and directory stores (their own connection) beside a ledger transaction', () => {
  it('wait for its lock instead of deadlocking the thread', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'signalbox-sqlite-key-locks-'));
    const raw = openSqliteDatabase(stateDir);
    raw.exec('CREATE TABLE t (n INTEGER)');
    const ledger = new SqliteSqlDatabase(raw, { lockWaitMs: 5_000 });
    const keys = await openKeyStore({ backend: 'sqlite' }, stateDir);
    const started = performance.now();
    const holding = holdAcross(ledger, 100);
    await sleep(10);
    const writes = async (): Promise<void> => {
      await keys.directory.insertOrganisation({ id: 'acme', name: 'Acme', createdAt: 1 });
      await keys.directory.renameOrganisation('acme', 'Acme Ltd');
    };
    await Promise.all([writes(), holding]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await keys.directory.findOrganisation('acme')).toMatchObject({ name: 'Acme Ltd' });
    await keys.close();
  });
});
