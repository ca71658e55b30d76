import { mkdtempSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';
import { WalFileSync } from './wal-file-sync.ts';

/** The prototype every `FileHandle` shares, to count and fail its `sync` calls. */
async function fileHandlePrototype(): Promise<{ sync(): Promise<void> }> {
  const handle = await open(join(mkdtempSync(join(tmpdir(), 'signalbox-fh-')), 'f'), 'w');
  const prototype = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
  await handle.close();
  return prototype;
}

function stateDatabase(): {
  file: string;
  database: SqliteSqlDatabase;
  level: () => number;
} {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-wal-sync-'));
  const raw = openSqliteDatabase(directory);
  const database = new SqliteSqlDatabase(raw, { syncOffThread: true });
  return {
    file: raw.location() ?? '',
    database,
    level: () => (raw.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('WalFileSync', () => {
  it('shares one fsync among the calls made while another runs', async () => {
    const { file, database } = stateDatabase();
    await database.run('CREATE TABLE t (n INTEGER)', []);
    const sync = vi.spyOn(await fileHandlePrototype(), 'sync');
    const walSync = new WalFileSync(file);
    const first = walSync.sync();
    const waiting = Array.from({ length: 20 }, () => walSync.sync());
    expect(new Set(waiting).size).toBe(1);
    expect(waiting[0]).not.toBe(first);
    await Promise.all([first, ...waiting]);
    expect(sync).toHaveBeenCalledTimes(2);
    await walSync.sync();
    expect(sync).toHaveBeenCalledTimes(3);
    await walSync.close();
    await expect(walSync.sync()).rejects.toThrow('closed');
    await database.close();
  });

  it('resolves when the database has no write-ahead log', async () => {
    const walSync = new WalFileSync(join(mkdtempSync(join(tmpdir(), 'signalbox-no-wal-')), 'x'));
    await expect(walSync.sync()).resolves.toBeUndefined();
    await walSync.close();
  });

  it('rejects the waiting calls when the fsync fails, and syncs again on the next call', async () => {
    const { file, database } = stateDatabase();
    await database.run('CREATE TABLE t (n INTEGER)', []);
    const sync = vi
      .spyOn(await fileHandlePrototype(), 'sync')
      .mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    const walSync = new WalFileSync(file);
    await expect(walSync.sync()).rejects.toThrow('EIO');
    await expect(walSync.sync()).resolves.toBeUndefined();
    expect(sync).toHaveBeenCalledTimes(2);
    await walSync.close();
    await database.close();
  });
});

describe('SqliteSqlDatabase with syncOffThread', () => {
  it('runs at NORMAL and resolves writes only after a log fsync; reads and no-wait commits skip it', async () => {
    const { database, level } = stateDatabase();
    expect(level()).toBe(1);
    const sync = vi.spyOn(await fileHandlePrototype(), 'sync');
    await database.run('CREATE TABLE t (n INTEGER)', []);
    expect(sync).toHaveBeenCalledTimes(1);
    await database.transaction((session) => session.run('INSERT INTO t VALUES (1)', []));
    expect(sync).toHaveBeenCalledTimes(2);
    await database.transaction((session) => session.run('INSERT INTO t VALUES (2)', []), {
      waitForDisk: false,
    });
    expect(level()).toBe(1);
    expect(await database.rows('SELECT n FROM t ORDER BY n', [])).toEqual([{ n: 1 }, { n: 2 }]);
    expect(sync).toHaveBeenCalledTimes(2);
    await database.rows('DELETE FROM t WHERE n = 2 RETURNING n', []);
    expect(sync).toHaveBeenCalledTimes(3);
    await database.close();
  });

  it('rejects a commit whose fsync failed, though the rows were written', async () => {
    const { database } = stateDatabase();
    await database.run('CREATE TABLE t (n INTEGER)', []);
    vi.spyOn(await fileHandlePrototype(), 'sync').mockRejectedValueOnce(
      Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }),
    );
    await expect(
      database.transaction((session) => session.run('INSERT INTO t VALUES (1)', [])),
    ).rejects.toThrow('EIO');
    expect(await database.rows('SELECT n FROM t', [])).toEqual([{ n: 1 }]);
    await database.close();
  });

  it('keeps a connection without the option at its own level', async () => {
    const raw = openSqliteDatabase(mkdtempSync(join(tmpdir(), 'signalbox-wal-plain-')));
    raw.exec('PRAGMA synchronous = FULL');
    const sync = vi.spyOn(await fileHandlePrototype(), 'sync');
    const database = new SqliteSqlDatabase(raw);
    await database.run('CREATE TABLE t (n INTEGER)', []);
    await database.transaction((session) => session.run('INSERT INTO t VALUES (1)', []));
    expect(sync).not.toHaveBeenCalled();
    expect((raw.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous).toBe(
      2,
    );
    await database.close();
  });
});
