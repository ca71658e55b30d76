import { Worker } from 'node:worker_threads';
import type { RequestLogRow } from '../request-log-store.ts';
import type {
  RequestLogWorkerData,
  RequestLogWorkerReply,
  RequestLogWorkerRequest,
} from './request-log-worker.ts';

/** Type-stripped from `src/` (tests, `node src/...`), compiled beside this file in `dist/`. */
const workerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './request-log-worker.ts' : './request-log-worker.js',
  import.meta.url,
);

/** Distinguishable from the worker's own errors: the thread itself failed or was stopped. */
export class RequestLogWorkerStoppedError extends Error {
  override readonly name = 'RequestLogWorkerStoppedError';
}

export interface RequestLogWorkerOptions {
  /** The SQLite state database file (created and migrated already). */
  readonly file: string;
  /** The worker connection's `busy_timeout`. Default 5 000 ms, as the main connections. */
  readonly busyTimeoutMs?: number;
  /** Pauses before each retry of a write still locked after busy_timeout. Default 50, 200, 1 000 ms. */
  readonly busyRetryDelaysMs?: readonly number[];
}

interface Pending {
  resolve(changes: number): void;
  reject(error: Error): void;
}

/**
 * The request log's SQLite writes on a worker thread with its own connection to the same file:
 * `node:sqlite` is synchronous, and inserting a batch into the log's indexes would otherwise
 * block the event loop (about 44 µs per row). Rows cross as plain objects (structured clone);
 * each `append` is one transaction in the worker and resolves once it is committed, so a read on
 * the main thread's connection after it sees the rows (WAL). The thread starts in the
 * background, never keeps the process alive, and is started again if it dies.
 */
export class RequestLogWorkerClient {
  readonly #data: RequestLogWorkerData;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: RequestLogWorkerOptions) {
    this.#data = {
      file: options.file,
      busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
      busyRetryDelaysMs: options.busyRetryDelaysMs ?? [50, 200, 1_000],
    };
    this.#started();
  }

  /** The worker's thread id (tests tell its writes from the main thread's). */
  get threadId(): number | undefined {
    return this.#worker?.threadId;
  }

  /** Writes `rows` in one transaction on the worker's connection; rejects if it failed. */
  async append(rows: readonly RequestLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#send({ id: 0, kind: 'append', rows });
  }

  /** Deletes rows older than `olderThanMs` on the worker's connection; resolves how many. */
  prune(olderThanMs: number): Promise<number> {
    return this.#send({ id: 0, kind: 'prune', olderThanMs });
  }

  /**
   * Lets the worker finish what it was sent, close its connection and end, waiting at most
   * `graceMs`; then stops it. Later calls reject.
   */
  async close(graceMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    if (graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#post(worker, { id: 0, kind: 'close' }).then(
          () => exited,
          () => exited,
        ),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await worker.terminate();
    await exited;
  }

  #started(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(workerUrl, { workerData: this.#data, name: 'request-log-writer' });
    worker.on('message', (reply: RequestLogWorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.ok) {
        pending.resolve(reply.changes);
      } else {
        const error = new Error(reply.error.message);
        error.name = reply.error.name;
        if (reply.error.code !== undefined) Object.assign(error, { code: reply.error.code });
        pending.reject(error);
      }
    });
    const stopped = (error: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', (error: Error) => {
      stopped(
        new RequestLogWorkerStoppedError(`the request log worker failed: ${error.name}`, {
          cause: error,
        }),
      );
    });
    worker.on('exit', () => {
      stopped(new RequestLogWorkerStoppedError('the request log worker stopped'));
    });
    // After the listeners (a 'message' listener refs the port again). Idle, the thread never
    // holds the process; while a write is in flight it does (see `#post`), so none is cut off.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #send(request: RequestLogWorkerRequest): Promise<number> {
    if (this.#closed) {
      return Promise.reject(new RequestLogWorkerStoppedError('the request log is closed'));
    }
    return this.#post(this.#started(), request);
  }

  #post(worker: Worker, request: RequestLogWorkerRequest): Promise<number> {
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise<number>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      try {
        worker.postMessage({ ...request, id });
      } catch (error) {
        // A value structured clone refuses: this call fails, the thread stays as it was.
        this.#pending.delete(id);
        if (this.#pending.size === 0) worker.unref();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
