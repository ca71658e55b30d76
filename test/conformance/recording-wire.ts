import { existsSync, readdirSync, statSync } from 'node:fs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  namedEventStreamBody,
  readChunkLines,
  recordingsDirectory,
} from '../helpers/provider-recordings.ts';

/** Recording folders and the egress dialect that speaks them. */
export const recordingDialects: Readonly<Record<string, string>> = {
  'anthropic-messages': 'anthropic-messages',
  'bedrock-converse': 'bedrock-converse',
  'gemini-generate-content': 'gemini-generate-content',
  'cohere-chat': 'cohere-chat',
  'mistral-chat': 'mistral-chat',
  'openai-chat': 'openai-chat',
  'openai-responses': 'openai-responses',
  'azure-openai': 'openai-responses',
};

/** Whether the shared recordings are present (they live beside the repository, not in it). */
export const recordingsPresent = existsSync(recordingsDirectory);

/** Every recording file of a folder (subfolders included), as paths relative to the recordings root. */
export function listRecordingFiles(folder: string): string[] {
  const root = `${recordingsDirectory}${folder}`;
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(`${root}/${relative}`).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if (statSync(`${root}/${path}`).isDirectory()) walk(path);
      else if (name.endsWith('.json') || name.endsWith('.chunks.txt'))
        files.push(`${folder}/${path}`);
    }
  };
  walk('');
  return files;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * The streamed body a provider of `dialect` sent, rebuilt from a recording's lines as the
 * recordings README describes: SSE with `event:` names, SSE data lines ending in `[DONE]`, or
 * Bedrock's binary event-stream frames.
 */
export function recordedStreamBody(
  dialect: string,
  file: string,
): { contentType: string; body: Uint8Array } {
  switch (dialect) {
    case 'anthropic-messages':
    case 'cohere-chat':
    case 'openai-responses':
      return { contentType: 'text/event-stream', body: Buffer.from(namedEventStreamBody(file)) };
    case 'openai-chat':
    case 'mistral-chat':
      return {
        contentType: 'text/event-stream',
        body: Buffer.from(
          `${readChunkLines(file)
            .map((line) => `data: ${line}\n\n`)
            .join('')}data: [DONE]\n\n`,
        ),
      };
    case 'gemini-generate-content':
      return {
        contentType: 'text/event-stream',
        body: Buffer.from(
          readChunkLines(file)
            .map((line) => `data: ${line}\r\n\r\n`)
            .join(''),
        ),
      };
    case 'bedrock-converse':
      return {
        contentType: 'application/vnd.amazon.eventstream',
        body: Buffer.concat(
          readChunkLines(file).map((line) => {
            const event = JSON.parse(line) as Record<string, unknown>;
            const [type = '', payload] = Object.entries(event)[0] ?? [];
            return codec.encode({
              headers: {
                ':event-type': { type: 'string', value: type },
                ':content-type': { type: 'string', value: 'application/json' },
                ':message-type': { type: 'string', value: 'event' },
              },
              body: fromUtf8(JSON.stringify(payload)),
            });
          }),
        ),
      };
    default:
      throw new Error(`no wire format for ${dialect}`);
  }
}
