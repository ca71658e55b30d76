import { write as writeToFile, writeSync } from 'node:fs';

export interface BatchedLineWriterOptions {
  /** File descriptor to write to (1 for standard output). */
  readonly fd: number;
  /** Bytes gathered before a write is started without waiting for the timer. */
  readonly batchBytes?: number;
  /** Longest a line waits before it is written, in milliseconds. */
  readonly maxDelayMs?: number;
  /** Most bytes held while the destination is slower than the producers; newer lines are dropped past it. */
  readonly maxBufferedBytes?: number;
}

/**
 * A log destination that gathers lines and writes them in batches with one asynchronous write
 * each, so logging costs a request one array push. At most one write is in flight; lines wait at
 * most `maxDelayMs`. If the destination cannot keep up and `maxBufferedBytes` are waiting, new
 * lines are dropped and counted (a notice line reports how many), rather than memory growing
 * without bound or requests blocking on the log.
 */
export class BatchedLineWriter {
  readonly #fd: number;
  readonly #batchBytes: number;
  readonly #maxDelayMs: number;
  readonly #maxBufferedBytes: number;
  #lines: string[] = [];
  #bufferedBytes = 0;
  #writing = false;
  #timer: NodeJS.Timeout | undefined;
  #dropped = 0;

  constructor(options: BatchedLineWriterOptions) {
    this.#fd = options.fd;
    this.#batchBytes = options.batchBytes ?? 16 * 1024;
    this.#maxDelayMs = options.maxDelayMs ?? 200;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  }

  /** Queues one line (which should end with a newline). Never throws, never blocks. */
  write(line: string): boolean {
    if (this.#bufferedBytes + line.length > this.#maxBufferedBytes) {
      this.#dropped += 1;
      return false;
    }
    this.#lines.push(line);
    this.#bufferedBytes += line.length;
    if (this.#bufferedBytes >= this.#batchBytes) {
      this.#startWrite();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#startWrite();
      }, this.#maxDelayMs);
      this.#timer.unref();
    }
    return true;
  }

  /** Writes everything queued, synchronously; for shutdown. */
  flushSync(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const data = this.#take();
    if (data !== '') {
      try {
        writeSync(this.#fd, data);
      } catch {
        // Nothing useful can be done about a log destination that fails at exit.
      }
    }
  }

  #take(): string {
    if (this.#dropped > 0) {
      this.#lines.push(
        `{"level":"warn","service":"signalbox","msg":"log output fell behind; lines were dropped","dropped":${this.#dropped}}\n`,
      );
      this.#dropped = 0;
    }
    const data = this.#lines.length === 1 ? (this.#lines[0] ?? '') : this.#lines.join('');
    this.#lines = [];
    this.#bufferedBytes = 0;
    return data;
  }

  #startWrite(): void {
    if (this.#writing || this.#bufferedBytes === 0) {
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = true;
    writeToFile(this.#fd, this.#take(), () => {
      this.#writing = false;
      if (this.#bufferedBytes >= this.#batchBytes) {
        this.#startWrite();
      } else if (this.#bufferedBytes > 0 && this.#timer === undefined) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#startWrite();
        }, this.#maxDelayMs);
        this.#timer.unref();
      }
    });
  }
}
