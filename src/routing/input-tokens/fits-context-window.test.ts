import { beforeAll, describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { UserContentPart } from '../../canonical/content-part.ts';
import { ensureTokenizerFor } from './ensure-tokenizer-for.ts';
import { fitsContextWindow, type ContextWindowFit } from './fits-context-window.ts';
import { InputTokenMeasure } from './input-token-measure.ts';

beforeAll(async () => {
  expect(await ensureTokenizerFor('gpt-4o')).toBe(true);
  expect(await ensureTokenizerFor('gpt-4')).toBe(true);
});

function user(...content: UserContentPart[]): ChatRequest {
  return createChatRequest({ model: 'client-model', messages: [{ role: 'user', content }] });
}

const english = 'The quick brown fox jumps over the lazy dog. ';
const small = new InputTokenMeasure(user({ type: 'text', text: 'hello world' }));
// 40 KB of English: a bound of about 40,000, an exact count of about 9,000.
const medium = new InputTokenMeasure(user({ type: 'text', text: english.repeat(900) }));
// 200 KB of English: about 45,000 tokens.
const large = new InputTokenMeasure(user({ type: 'text', text: english.repeat(4500) }));
const pdf = new InputTokenMeasure(
  user({
    type: 'file',
    source: { kind: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
  }),
);
const withImage = new InputTokenMeasure(
  user(
    { type: 'text', text: 'what is this?' },
    { type: 'image', source: { kind: 'url', url: 'https://x/y.png' } },
  ),
);

describe('fitsContextWindow', () => {
  it.each<[string, InputTokenMeasure, string, number, number, ContextWindowFit]>([
    ['fits by the bound alone', small, 'gpt-4o', 128_000, 4096, 'fits'],
    [
      'fits by the bound alone, no tokenizer needed',
      small,
      'claude-sonnet-4-5',
      200_000,
      4096,
      'fits',
    ],
    [
      'fits by the bound on an unknown Azure deployment name',
      small,
      'prod-east-chat',
      8192,
      1024,
      'fits',
    ],
    ['fits by the exact count when the bound is too big', medium, 'gpt-4o', 16_384, 1024, 'fits'],
    ['fits by the exact count with cl100k_base', medium, 'gpt-4-0613', 16_384, 1024, 'fits'],
    ['too large by the exact count', large, 'gpt-4o', 32_768, 1024, 'too-large'],
    ['too large by the exact count with cl100k_base', large, 'gpt-4', 8192, 1024, 'too-large'],
    [
      'unknown for Claude with a too-large bound',
      medium,
      'claude-sonnet-4-5',
      16_384,
      1024,
      'unknown',
    ],
    [
      'unknown for Gemini with a too-large bound',
      large,
      'gemini-2.5-flash',
      32_768,
      1024,
      'unknown',
    ],
    [
      'fits by the bound for Gemini when the window is big enough',
      large,
      'gemini-2.5-flash',
      1_048_576,
      8192,
      'fits',
    ],
    ['too large when the answer alone fills the window', small, 'gpt-4o', 4096, 4096, 'too-large'],
    ['unknown for a PDF, whatever the window', pdf, 'gpt-4o', 1_000_000, 1024, 'unknown'],
    [
      'GPT-4o mini bills an image 48,169 tokens',
      withImage,
      'gpt-4o-mini',
      32_768,
      1024,
      'too-large',
    ],
    ['GPT-4o fits the same image', withImage, 'gpt-4o', 32_768, 1024, 'fits'],
    [
      'Claude fits the same image by the bound',
      withImage,
      'claude-sonnet-4-5',
      32_768,
      1024,
      'fits',
    ],
  ])('%s', (_name, measure, model, window, reserved, expected) => {
    expect(fitsContextWindow(measure, model, window, reserved)).toBe(expected);
  });

  it('fits at exactly the window and not one token below it', () => {
    const measure = new InputTokenMeasure(user({ type: 'text', text: english.repeat(300) }));
    const exact = measure.exactFor('gpt-4o') ?? Number.NaN;
    expect(measure.upperBound()).toBeGreaterThan(exact + 100);
    expect(fitsContextWindow(measure, 'gpt-4o', exact + 100, 100)).toBe('fits');
    expect(fitsContextWindow(measure, 'gpt-4o', exact + 99, 100)).toBe('too-large');
  });
});
