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

describe('SqliteSqlDatabase parameters', () => {
  const open = (): SqliteSqlDatabase =>
    new SqliteSqlDatabase(
      openSqliteDatabase(mkdtempSync(join(tmpdir(), 'signalbox-sqlite-params-'))),
    );

  it('gives each $n its value wherever and however often it appears', async () => {
    const database = open();
    expect(
      await database.rows('SELECT $2 AS a, $1 AS b, $2 AS c, $3 AS d', ['x', 2, null]),
    ).toEqual([{ a: 2, b: 'x', c: 2, d: null }]);
    expect(await database.rows('SELECT $1 AS a, $2 AS b', ['x', 2])).toEqual([{ a: 'x', b: 2 }]);
    // A number that is not a parameter stays as written ($ followed by digits only is one).
    expect(await database.rows("SELECT '$x' AS a, $1 + 1 AS b", [41])).toEqual([
      { a: '$x', b: 42 },
    ]);
    await database.close();
  });

  it('binds the values of a many-row statement to the right rows', async () => {
    const database = open();
    await database.run('CREATE TABLE t (id INTEGER, name TEXT, score REAL)', []);
    const rows = Array.from({ length: 32 }, (_, index) => [
      index,
      `name-${String(index)}`,
      index / 4,
    ]);
    const values = rows.flat();
    const tuples = rows.map(
      (_, row) => `($${String(row * 3 + 1)}, $${String(row * 3 + 2)}, $${String(row * 3 + 3)})`,
    );
    expect(await database.run(`INSERT INTO t VALUES ${tuples.join(', ')}`, values)).toBe(32);
    const stored = await database.rows<{ id: number; name: string; score: number }>(
      'SELECT id, name, score FROM t ORDER BY id',
      [],
    );
    expect(stored.map((row) => [row.id, row.name, row.score])).toEqual(rows);
    // The same statement with the tuples written in reverse: each row still takes its own values.
    await database.run('DELETE FROM t', []);
    await database.run(`INSERT INTO t VALUES ${[...tuples].reverse().join(', ')}`, values);
    const again = await database.rows<{ id: number; name: string; score: number }>(
      'SELECT id, name, score FROM t ORDER BY id',
      [],
    );
    expect(again.map((row) => [row.id, row.name, row.score])).toEqual(rows);
    await database.close();
  });

  it('leaves a value not passed NULL and refuses more values than parameters', async () => {
    const database = open();
    expect(await database.rows('SELECT $2 AS b, $1 AS a', [1])).toEqual([{ b: null, a: 1 }]);
    expect(await database.rows('SELECT $1 AS a, $2 AS b', [1])).toEqual([{ a: 1, b: null }]);
    await expect(database.rows('SELECT $2 AS b, $1 AS a', [1, 2, 3])).rejects.toThrow(
      'the statement has 2 parameters, not 3',
    );
    await expect(database.rows('SELECT $1 AS a', [1, 2])).rejects.toThrow();
    await database.close();
  });
});
