import type { Writable } from 'node:stream';

/**
 * Resolves when `stream` can take more data (`drain`) or has closed, whichever comes first, so a
 * writer that waits for a slow reader never waits forever on a reader that left.
 */
export function waitForDrain(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
