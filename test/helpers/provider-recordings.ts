import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isJsonObject, safeParseJson } from '../../src/lib/json.ts';

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

/**
 * Rebuilds the wire body of a named-event SSE recording (Anthropic, Cohere, OpenAI Responses):
 * `event: <type>` and `data: <line>` per line, as the recordings README says.
 */
export function namedEventStreamBody(relativePath: string): string {
  return readChunkLines(relativePath)
    .map((line) => {
      const parsed = safeParseJson(line);
      const type =
        parsed.ok && isJsonObject(parsed.value) && typeof parsed.value.type === 'string'
          ? parsed.value.type
          : 'message';
      return `event: ${type}\ndata: ${line}\n\n`;
    })
    .join('');
}

/** The recordings of one dialect folder with the given suffix, as relative paths. */
export function listRecordings(folder: string, suffix: '.chunks.txt' | '.json'): string[] {
  return readdirSync(recordingsDirectory + folder)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => `${folder}/${name}`);
}
