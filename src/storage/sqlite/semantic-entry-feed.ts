import type { DatabaseSync } from 'node:sqlite';
import { openResponseCacheDatabase } from './open-response-cache-database.ts';
import { retryWhileLocked } from './sqlite-locked.ts';
import type { SemanticEntryFeed, SharedSemanticEntry } from '../ports.ts';
import { decodeSemanticEntry, encodeSemanticMeta, encodeVector } from '../semantic-entry-codec.ts';

/** Appends between deletions of expired and surplus rows. */
const pruneEvery = 256;

/**
 * The semantic-cache feed in `response-cache.db` (beside the cached answers): the processes of
 * `serve --workers` index what each of them stored. Rows past their expiry, and the oldest
 * beyond `maxEntries`, are deleted as the feed grows.
 */
export class SqliteSemanticEntryFeed implements SemanticEntryFeed {
  readonly #database: DatabaseSync;
  readonly #maxEntries: number;
  #appends = 0;

  constructor(stateDir: string, maxEntries: number) {
    this.#database = openResponseCacheDatabase(
      stateDir,
      `
      CREATE TABLE IF NOT EXISTS semantic_feed (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        meta TEXT NOT NULL,
        vector TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;`,
    );
    this.#maxEntries = maxEntries;
  }

  async append(entry: SharedSemanticEntry): Promise<void> {
    const meta = encodeSemanticMeta(entry);
    const vector = encodeVector(entry.vector);
    await retryWhileLocked(() =>
      this.#database
        .prepare('INSERT INTO semantic_feed (meta, vector, expires_at) VALUES (?, ?, ?)')
        .run(meta, vector, entry.expiresAt),
    );
    this.#appends += 1;
    if (this.#appends % pruneEvery === 0) {
      await retryWhileLocked(() => {
        this.#prune(entry.expiresAt);
      });
    }
  }

  #prune(now: number): void {
    this.#database.prepare('DELETE FROM semantic_feed WHERE expires_at <= ?').run(now);
    this.#database
      .prepare('DELETE FROM semantic_feed WHERE seq <= (SELECT max(seq) FROM semantic_feed) - ?')
      .run(this.#maxEntries);
  }

  async read(
    cursor: string | undefined,
    now: number,
    limit: number,
  ): Promise<{ entries: SharedSemanticEntry[]; cursor: string | undefined }> {
    const rows = await retryWhileLocked(
      () =>
        this.#database
          .prepare(
            'SELECT seq, meta, vector, expires_at FROM semantic_feed WHERE seq > ? ORDER BY seq LIMIT ?',
          )
          .all(cursor === undefined ? 0 : Number(cursor), limit) as {
          seq: number;
          meta: string;
          vector: string;
          expires_at: number;
        }[],
    );
    const entries: SharedSemanticEntry[] = [];
    for (const row of rows) {
      if (row.expires_at <= now) continue;
      const entry = decodeSemanticEntry(row.meta, row.vector);
      if (entry !== undefined) entries.push(entry);
    }
    const last = rows[rows.length - 1];
    return { entries, cursor: last === undefined ? cursor : String(last.seq) };
  }

  close(): Promise<void> {
    this.#database.close();
    return Promise.resolve();
  }
}
