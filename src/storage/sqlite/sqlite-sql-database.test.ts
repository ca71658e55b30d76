import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

describe('SqliteSqlDatabase transactions', () => {
  it('commits without waiting for the disk when asked, then restores the connection level', async () => {
    const raw = openSqliteDatabase(mkdtempSync(join(tmpdir(), 'signalbox-sqlite-sync-')));
    raw.exec('PRAGMA synchronous = FULL');
    const database = new SqliteSqlDatabase(raw);
    const level = (): number =>
      (raw.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    await database.run('CREATE TABLE t (n INTEGER)', []);
    const inside = await database.transaction(
      async (session) => {
        await session.run('INSERT INTO t VALUES (1)', []);
        return level();
      },
      { waitForDisk: false },
    );
    expect(inside).toBe(1); // NORMAL
    expect(level()).toBe(2); // FULL again
    await expect(
      database.transaction(
        async (session) => {
          await session.run('INSERT INTO t VALUES (2)', []);
          throw new Error('abandon');
        },
        { waitForDisk: false },
      ),
    ).rejects.toThrow('abandon');
    expect(level()).toBe(2);
    expect(await database.transaction(() => Promise.resolve(level()))).toBe(2);
    expect(await database.rows('SELECT n FROM t', [])).toEqual([{ n: 1 }]);
    raw.close();
  });
});
