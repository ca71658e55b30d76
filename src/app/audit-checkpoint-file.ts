import { open, readFile } from 'node:fs/promises';
import type { CheckpointSink } from '../pipeline/audit/checkpoint-scheduler.ts';

/**
 * An append-only checkpoint file: each note is appended as one block followed by a blank line,
 * then the file is fsync'd before `append` resolves. The file is created with mode 0600. Appends
 * from one sink are serialised. Point it outside the database's reach (another volume, a
 * WORM/append-only mount, or a file shipped to a log collector) for real tamper evidence.
 */
export class FileCheckpointSink implements CheckpointSink {
  readonly #path: string;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  append(note: string): Promise<void> {
    const write = async (): Promise<void> => {
      const handle = await open(this.#path, 'a', 0o600);
      try {
        await handle.appendFile(note.endsWith('\n') ? `${note}\n` : `${note}\n\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    };
    const next = this.#queue.then(write, write);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

/** The text of a checkpoint file, or '' when it does not exist. */
export async function readCheckpointFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
