import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared recordings folder, beside the repository (`../shared/data/provider-recordings`). */
export const recordingsDirectory = fileURLToPath(
  new URL('../../../shared/data/provider-recordings/', import.meta.url),
);

/** The lines (one JSON payload each) of a `.chunks.txt` recording. */
export function readChunkLines(relativePath: string): string[] {
  return readFileSync(recordingsDirectory + relativePath, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/** A non-streamed recording's body text. */
export function readRecordingText(relativePath: string): string {
  return readFileSync(recordingsDirectory + relativePath, 'utf8');
}

/**
 * Rebuilds the wire body of an OpenAI Chat Completions stream recording, as the README of the
 * recordings says: `data: <line>` per event, then `data: [DONE]`.
 */
export function openAiChatStreamBody(
  relativePath: string,
  options: { done?: boolean } = {},
): string {
  const events = readChunkLines(relativePath).map((line) => `data: ${line}\n\n`);
  if (options.done !== false) {
    events.push('data: [DONE]\n\n');
  }
  return events.join('');
}
