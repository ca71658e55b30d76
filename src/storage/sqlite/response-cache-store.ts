import type { DatabaseSync } from 'node:sqlite';
import { openResponseCacheDatabase } from './open-response-cache-database.ts';
import { ResponseCacheUseMarks } from './response-cache-use-marks.ts';
import { retryWhileLocked } from './sqlite-locked.ts';
import type { ResponseCacheAddress, ResponseCacheStore, StoredCacheEntry } from '../ports.ts';

/** Inserts between checks of the entry count (a count is a table scan). */
const evictEvery = 64;

interface Row {
  entry: string;
  expires_at: number;
}

/**
 * Cached answers in `response-cache.db` in the state directory: kept over restarts and shared
 * by every process on the machine (`serve --workers`). A file of its own, in WAL mode without
 * fsync on commit: losing the last entries in a crash costs only misses, and the durable
 * databases (ledger, audit) never wait on cache writes. Least recently used entries are evicted
 * beyond `maxEntries`; expired ones are deleted as they are met and during eviction. Another
 * process's lock is waited for on timers, never inside SQLite (`retryWhileLocked`).
 */
export class SqliteResponseCacheStore implements ResponseCacheStore {
  readonly #database: DatabaseSync;
  readonly #maxEntries: number;
  readonly #select: ReturnType<DatabaseSync['prepare']>;
  readonly #uses: ResponseCacheUseMarks;
  readonly #upsert: ReturnType<DatabaseSync['prepare']>;
  #insertsSinceCheck = 0;

  constructor(stateDir: string, maxEntries: number) {
    this.#database = openResponseCacheDatabase(
      stateDir,
      `
      CREATE TABLE IF NOT EXISTS response_cache (
        scope TEXT NOT NULL,
        digest TEXT NOT NULL,
        org TEXT NOT NULL,
        alias TEXT NOT NULL,
        entry TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER NOT NULL,
        PRIMARY KEY (scope, digest)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS response_cache_used_at ON response_cache (used_at);
      CREATE INDEX IF NOT EXISTS response_cache_alias ON response_cache (alias);
      CREATE INDEX IF NOT EXISTS response_cache_org ON response_cache (org);`,
    );
    this.#maxEntries = maxEntries;
    this.#select = this.#database.prepare(
      'SELECT entry, expires_at FROM response_cache WHERE scope = ? AND digest = ?',
    );
    this.#uses = new ResponseCacheUseMarks(this.#database);
    this.#upsert = this.#database.prepare(
      `INSERT INTO response_cache (scope, digest, org, alias, entry, expires_at, used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, digest) DO UPDATE SET
         org = excluded.org, alias = excluded.alias, entry = excluded.entry,
         expires_at = excluded.expires_at, used_at = excluded.used_at`,
    );
  }

  /**
   * The first live entry among `addresses`. That it was used is written later, with other hits'
   * marks (`ResponseCacheUseMarks`): a hit costs a read, not a write.
   */
  get(
    addresses: readonly ResponseCacheAddress[],
    now: number,
  ): Promise<StoredCacheEntry | undefined> {
    return retryWhileLocked(() => {
      for (const address of addresses) {
        const row = this.#select.get(address.scope, address.digest) as Row | undefined;
        if (row === undefined || row.expires_at <= now) continue;
        this.#uses.mark(address, now);
        return { address, entry: row.entry, expiresAt: row.expires_at };
      }
      return undefined;
    });
  }

  async set(entry: StoredCacheEntry, now: number): Promise<void> {
    await retryWhileLocked(() =>
      this.#upsert.run(
        entry.address.scope,
        entry.address.digest,
        entry.address.org,
        entry.address.alias,
        entry.entry,
        entry.expiresAt,
        now,
      ),
    );
    this.#insertsSinceCheck += 1;
    if (this.#insertsSinceCheck >= evictEvery) {
      this.#insertsSinceCheck = 0;
      await this.evict(now);
    }
  }

  /** Deletes expired entries, then the least recently used beyond the limit. */
  evict(now: number): Promise<void> {
    return retryWhileLocked(() => {
      this.#evict(now);
    });
  }

  #evict(now: number): void {
    this.#uses.flush();
    this.#database.prepare('DELETE FROM response_cache WHERE expires_at <= ?').run(now);
    const { count } = this.#database
      .prepare('SELECT count(*) AS count FROM response_cache')
      .get() as { count: number };
    if (count <= this.#maxEntries) return;
    this.#database
      .prepare(
        `DELETE FROM response_cache WHERE (scope, digest) IN
           (SELECT scope, digest FROM response_cache ORDER BY used_at LIMIT ?)`,
      )
      .run(count - this.#maxEntries);
  }

  invalidate(filter: { readonly org?: string; readonly alias?: string }): Promise<number> {
    return retryWhileLocked(() => {
      const result = this.#database
        .prepare(
          'DELETE FROM response_cache WHERE ($org IS NULL OR org = $org) AND ($alias IS NULL OR alias = $alias)',
        )
        .run({ org: filter.org ?? null, alias: filter.alias ?? null });
      return Number(result.changes);
    });
  }

  close(): Promise<void> {
    this.#uses.close();
    this.#database.close();
    return Promise.resolve();
  }
}
