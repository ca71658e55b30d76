import { describe, expect, it } from 'vitest';
import { createChatRequest } from '../../canonical/chat-request.ts';
import { ensureTokenizerFor, loadedTokenizerFor } from './ensure-tokenizer-for.ts';
import { fitsContextWindow } from './fits-context-window.ts';
import { InputTokenMeasure } from './input-token-measure.ts';

// Vitest isolates each test file, so this file starts with no tokenizer loaded.
function measureOf(text: string): InputTokenMeasure {
  return new InputTokenMeasure(
    createChatRequest({
      model: 'client-model',
      messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    }),
  );
}

describe('ensureTokenizerFor (lazy loading)', () => {
  it('loads nothing until asked, and the bound alone still proves small requests fit', () => {
    expect(loadedTokenizerFor('gpt-4o')).toBeUndefined();
    const small = measureOf('hello world');
    expect(fitsContextWindow(small, 'gpt-4o', 8192, 1024)).toBe('fits');
    expect(small.exactFor('gpt-4o')).toBeUndefined();
    expect(loadedTokenizerFor('gpt-4o')).toBeUndefined();
  });

  it('answers unknown for a large request while the tokenizer is not loaded', () => {
    const large = measureOf('The quick brown fox jumps over the lazy dog. '.repeat(900));
    expect(fitsContextWindow(large, 'gpt-4o', 16_384, 1024)).toBe('unknown');
  });

  it('is false for families without a tokenizer and loads nothing for them', async () => {
    await expect(ensureTokenizerFor('claude-sonnet-4-5')).resolves.toBe(false);
    await expect(ensureTokenizerFor('gemini-2.5-pro')).resolves.toBe(false);
    await expect(ensureTokenizerFor('my-azure-deployment')).resolves.toBe(false);
    expect(loadedTokenizerFor('gpt-4o')).toBeUndefined();
    expect(loadedTokenizerFor('gpt-4')).toBeUndefined();
  });

  it('loads one encoding once for concurrent callers and serves its whole family', async () => {
    const results = await Promise.all([
      ensureTokenizerFor('gpt-4o'),
      ensureTokenizerFor('gpt-4o-2024-08-06'),
      ensureTokenizerFor('o3-mini'),
    ]);
    expect(results).toEqual([true, true, true]);
    const tokenizer = loadedTokenizerFor('gpt-4o');
    expect(tokenizer?.encodingName).toBe('o200k_base');
    expect(loadedTokenizerFor('gpt-5.1')).toBe(tokenizer);
    // cl100k_base is a different encoding and stays unloaded.
    expect(loadedTokenizerFor('gpt-4')).toBeUndefined();
    await expect(ensureTokenizerFor('gpt-4o')).resolves.toBe(true);
  });

  it('lets the exact count decide once loaded', () => {
    const large = measureOf('The quick brown fox jumps over the lazy dog. '.repeat(900));
    expect(fitsContextWindow(large, 'gpt-4o', 16_384, 1024)).toBe('fits');
    expect(fitsContextWindow(large, 'gpt-4', 16_384, 1024)).toBe('unknown');
  });
});
