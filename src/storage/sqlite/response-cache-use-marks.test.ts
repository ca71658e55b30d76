import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteResponseCacheStore } from './response-cache-store.ts';
import { ResponseCacheUseMarks } from './response-cache-use-marks.ts';

const at = (digest: string) => ({ org: 'a', scope: 'org:a', alias: 'm', digest });

/** A cache file with entries `0` … `count - 1`, used at 1, and a second connection to it. */
async function cacheFile(
  count: number,
): Promise<{ connection: DatabaseSync; usedAt: (digest: string) => number }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'sb-cache-marks-'));
  const store = new SqliteResponseCacheStore(stateDir, 1_000);
  for (let index = 0; index < count; index += 1) {
    await store.set({ address: at(String(index)), entry: 'x', expiresAt: 1e12 }, 1);
  }
  await store.close();
  const connection = new DatabaseSync(join(stateDir, 'response-cache.db'));
  connection.exec('PRAGMA busy_timeout = 0');
  const usedAt = (digest: string): number =>
    (
      connection.prepare('SELECT used_at FROM response_cache WHERE digest = ?').get(digest) as {
        used_at: number;
      }
    ).used_at;
  return { connection, usedAt };
}

describe('ResponseCacheUseMarks', () => {
  it('writes marks on flush, never moving a mark back', async () => {
    const { connection, usedAt } = await cacheFile(2);
    const marks = new ResponseCacheUseMarks(connection);
    marks.mark(at('0'), 50);
    expect(usedAt('0')).toBe(1);
    marks.flush();
    expect(usedAt('0')).toBe(50);
    marks.mark(at('0'), 40);
    marks.close();
    expect(usedAt('0')).toBe(50);
    expect(usedAt('1')).toBe(1);
  });

  it('writes a full batch at once, without waiting for its timer', async () => {
    const { connection, usedAt } = await cacheFile(256);
    const marks = new ResponseCacheUseMarks(connection);
    for (let index = 0; index < 255; index += 1) marks.mark(at(String(index)), 7);
    expect(usedAt('0')).toBe(1);
    marks.mark(at('255'), 7);
    expect(usedAt('0')).toBe(7);
    expect(usedAt('255')).toBe(7);
    marks.close();
  });

  it('keeps the marks while another connection holds the write lock, and writes them after', async () => {
    const { connection, usedAt } = await cacheFile(1);
    const holder = new DatabaseSync(connection.location() ?? '');
    const marks = new ResponseCacheUseMarks(connection);
    holder.exec('BEGIN IMMEDIATE');
    marks.mark(at('0'), 9);
    marks.flush(); // finds the lock: nothing waits, nothing is lost
    holder.exec('COMMIT');
    expect(usedAt('0')).toBe(1);
    marks.flush();
    expect(usedAt('0')).toBe(9);
    marks.close();
    holder.close();
  });
});
