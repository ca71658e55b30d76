import { createHash } from 'node:crypto';
import { createSeededRandom } from '../lib/random.ts';
import { splitIntoTokens } from './mock-text.ts';

/** The vector length when the request names none. */
export const defaultMockEmbeddingDimensions = 16;

/** A unit-length vector derived only from the text: equal texts embed equally. Pure. */
export function embedText(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest().readUInt32BE(0);
  const random = createSeededRandom(seed);
  const vector = Array.from({ length: dimensions }, () => random.next() * 2 - 1);
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

function inputTexts(input: unknown): string[] | undefined {
  if (typeof input === 'string') {
    return [input];
  }
  if (Array.isArray(input) && input.every((item) => typeof item === 'string')) {
    return input;
  }
  // Token arrays (numbers) embed by their decimal spelling.
  if (Array.isArray(input) && input.every((item) => typeof item === 'number')) {
    return [input.join(' ')];
  }
  if (Array.isArray(input) && input.every((item) => Array.isArray(item))) {
    return input.map((item: unknown[]) => item.join(' '));
  }
  return undefined;
}

/**
 * The `/embeddings` response body, shaped like OpenAI's, with float or base64 (little-endian
 * float32) vectors. Returns undefined when `input` is not a valid embeddings input.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function encodeMockEmbeddings(
  model: string,
  input: unknown,
  dimensions: number,
  encodingFormat: 'float' | 'base64',
): string | undefined {
  const texts = inputTexts(input);
  if (texts === undefined || texts.length === 0) {
    return undefined;
  }
  let tokens = 0;
  const data = texts.map((text, index) => {
    tokens += splitIntoTokens(text).length;
    const vector = embedText(text, dimensions);
    const embedding =
      encodingFormat === 'base64'
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector;
    return { object: 'embedding', index, embedding };
  });
  return JSON.stringify({
    object: 'list',
    data,
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
