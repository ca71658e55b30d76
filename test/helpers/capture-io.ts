import type { CliIo } from '../../src/cli/cli-io.ts';

/** A CLI output sink that keeps what was written, for assertions. */
export function captureIo(): { io: CliIo; out: string[]; error: string[] } {
  const out: string[] = [];
  const error: string[] = [];
  return { io: { out: (text) => out.push(text), error: (text) => error.push(text) }, out, error };
}
