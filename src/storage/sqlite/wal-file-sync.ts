import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes committed SQLite transactions durable without blocking the event loop. The connection
 * runs with `synchronous = NORMAL` in WAL mode, so `COMMIT` appends the transaction's frames to
 * the write-ahead log without syncing it; `sync()` then asks for an `fsync` of the `-wal` file,
 * which runs on libuv's thread pool. Linux syncs a file's data whichever descriptor asks, so the
 * frames are on disk when it resolves. A checkpoint that moves them into the database first
 * syncs the log before copying and the database after (SQLite's rule for NORMAL), so they stay
 * durable when the log is later reused.
 *
 * Calls coalesce, like a group commit: a call made while an fsync runs waits for the next one
 * (which began after its commit), and every call made meanwhile shares that next one.
 */
export class WalFileSync {
  readonly #walFile: string;
  #handle: Promise<FileHandle> | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #closed = false;

  constructor(databaseFile: string) {
    this.#walFile = `${databaseFile}-wal`;
  }

  /** Resolves once an fsync of the log begun after this call has completed; rejects if it failed. */
  sync(): Promise<void> {
    if (this.#next !== undefined) return this.#next;
    const running = this.#running;
    if (running === undefined) return this.#start();
    const next: Promise<void> = running.then(
      (): Promise<void> => this.#afterRunning(next),
      (): Promise<void> => this.#afterRunning(next),
    );
    this.#next = next;
    return next;
  }

  /** Waits for the fsync in progress, then closes the log's descriptor. Later syncs reject. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([this.#running, this.#next]);
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
  }

  #afterRunning(next: Promise<void>): Promise<void> {
    if (this.#next === next) this.#next = undefined;
    return this.#start();
  }

  #start(): Promise<void> {
    const running = this.#fsync();
    this.#running = running;
    const settled = (): void => {
      if (this.#running === running) this.#running = undefined;
    };
    running.then(settled, settled);
    return running;
  }

  async #fsync(): Promise<void> {
    if (this.#closed) throw new Error('the write-ahead log sync is closed');
    // Opened once, on the first commit (the log exists from then on, until the last connection
    // to the database closes); opened again after a failure.
    this.#handle ??= open(this.#walFile, 'r+');
    const handle = this.#handle;
    try {
      await (await handle).sync();
    } catch (error) {
      if (this.#handle === handle) this.#handle = undefined;
      await (await handle.catch(() => undefined))?.close().catch(() => undefined);
      // No log yet: nothing was ever written through it (a statement that changed nothing).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
  }
}
