import { open, readFile, truncate } from 'node:fs/promises';
import { crashPoint, crashPointArmed } from '../lib/crash-points.ts';
import { parseSignedCheckpoint, splitCheckpointFile } from '../pipeline/audit/checkpoint.ts';
import type { CheckpointSink } from '../pipeline/audit/checkpoint-scheduler.ts';

/**
 * Ends a checkpoint file whose last note a crash cut short: an incomplete note (it certifies
 * nothing: it cannot carry a valid signature) is cut off, so verification and the next note
 * start clean. A complete note without its closing blank line gets it. When the file cannot be
 * truncated (an append-only mount), the torn note is closed with blank lines instead; it then
 * stays as one unparseable note that `audit verify` reports.
 */
export async function repairTornCheckpointTail(path: string): Promise<'intact' | 'repaired'> {
  const text = await readCheckpointFile(path);
  if (text === '') return 'intact';
  const notes = splitCheckpointFile(text);
  const last = notes.at(-1) ?? '';
  // A note is whole when it parses and its last (signature) line was written to its end.
  if (parseSignedCheckpoint(last).ok && text.endsWith('\n')) {
    if (text.endsWith('\n\n')) return 'intact';
    await appendText(path, '\n');
    return 'repaired';
  }
  const complete = notes.slice(0, -1);
  // Each note as this sink writes it: its text and one blank line.
  const keep = complete.reduce((length, note) => length + note.length + 1, 0);
  const kept = text.slice(0, keep);
  const sameNotes =
    keep === 0 ||
    (kept.endsWith('\n\n') && splitCheckpointFile(kept).join('\u0000') === complete.join('\u0000'));
  if (sameNotes) {
    try {
      await truncate(path, Buffer.byteLength(kept, 'utf8'));
      return 'repaired';
    } catch {
      // Not truncatable: close the torn note instead.
    }
  }
  await appendText(path, text.endsWith('\n') ? '\n' : '\n\n');
  return 'repaired';
}

async function appendText(path: string, text: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.appendFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

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
      const block = note.endsWith('\n') ? `${note}\n` : `${note}\n\n`;
      const handle = await open(this.#path, 'a', 0o600);
      try {
        if (crashPointArmed('during-checkpoint-write')) {
          await handle.appendFile(block.slice(0, Math.floor(block.length / 2)), 'utf8');
          await handle.sync();
        }
        crashPoint('during-checkpoint-write');
        await handle.appendFile(block, 'utf8');
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
