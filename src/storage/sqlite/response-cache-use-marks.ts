import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ResponseCacheAddress } from '../ports.ts';

/** How long a mark of use waits to be written with others. */
const flushAfterMs = 1_000;
/** Marks that are written at once, without waiting for the timer. */
const flushAtCount = 256;

interface UseMark {
  readonly scope: string;
  readonly digest: string;
  readonly at: number;
}

/**
 * When each cached entry was last used, written in batches: one transaction for up to 256 hits,
 * or whatever a second gathered, instead of a write per hit. The marks only order eviction, so a
 * batch that finds the file locked by another process is kept for the next try rather than
 * waited for, and one that fails otherwise is dropped (the entries keep their older marks).
 */
export class ResponseCacheUseMarks {
  readonly #database: DatabaseSync;
  readonly #touch: StatementSync;
  readonly #pending = new Map<string, UseMark>();
  #timer: NodeJS.Timeout | undefined;

  constructor(database: DatabaseSync) {
    this.#database = database;
    this.#touch = database.prepare(
      'UPDATE response_cache SET used_at = max(used_at, ?) WHERE scope = ? AND digest = ?',
    );
  }

  /** Notes that the entry at `address` was used at `now`. */
  mark(address: ResponseCacheAddress, now: number): void {
    // Scopes and digests hold no NUL: the pair is one key.
    this.#pending.set(`${address.scope}\u0000${address.digest}`, {
      scope: address.scope,
      digest: address.digest,
      at: now,
    });
    if (this.#pending.size >= flushAtCount) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), flushAfterMs).unref();
  }

  /** Writes the pending marks now (before eviction reads them, and on close). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const marks = [...this.#pending.values()];
    try {
      this.#database.exec('BEGIN IMMEDIATE');
    } catch {
      // Locked by another process (or closing): the marks wait for the next hit's timer.
      this.#timer = setTimeout(() => this.flush(), flushAfterMs).unref();
      return;
    }
    this.#pending.clear();
    try {
      for (const mark of marks) this.#touch.run(mark.at, mark.scope, mark.digest);
      this.#database.exec('COMMIT');
    } catch {
      // The batch is dropped: its entries keep their older marks.
      if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
    }
  }

  /** Writes what is pending and stops the timer. */
  close(): void {
    this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
