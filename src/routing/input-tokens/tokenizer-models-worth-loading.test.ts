import { describe, expect, it } from 'vitest';
import { createChatRequest } from '../../canonical/chat-request.ts';
import type { UserContentPart } from '../../canonical/content-part.ts';
import { InputTokenMeasure } from './input-token-measure.ts';
import {
  tokenizerModelsWorthLoading,
  type ContextWindowCandidate,
} from './tokenizer-models-worth-loading.ts';

function measureOf(...content: UserContentPart[]): InputTokenMeasure {
  return new InputTokenMeasure(
    createChatRequest({ model: 'client-model', messages: [{ role: 'user', content }] }),
  );
}

const candidates: readonly ContextWindowCandidate[] = [
  { model: 'gpt-4o', contextWindow: 128_000 },
  { model: 'gpt-4o-2024-08-06', contextWindow: 128_000 },
  { model: 'gpt-4', contextWindow: 8192 },
  { model: 'gpt-4', contextWindow: 8192 },
  { model: 'gpt-4.1', contextWindow: 1_047_576 },
  { model: 'claude-sonnet-4-5', contextWindow: 200_000 },
  { model: 'gemini-2.5-flash', contextWindow: 1_048_576 },
  { model: 'gpt-5', contextWindow: undefined },
];

describe('tokenizerModelsWorthLoading', () => {
  it('is empty in the common case: the bound fits every window', () => {
    expect(
      tokenizerModelsWorthLoading(measureOf({ type: 'text', text: 'hello' }), candidates, 4096),
    ).toEqual([]);
  });

  it('names only OpenAI models whose window the bound exceeds, once each', () => {
    const measure = measureOf({ type: 'text', text: 'x '.repeat(10_000) });
    expect(tokenizerModelsWorthLoading(measure, candidates, 1024)).toEqual(['gpt-4']);
    const larger = measureOf({ type: 'text', text: 'word '.repeat(40_000) });
    expect(tokenizerModelsWorthLoading(larger, candidates, 1024)).toEqual([
      'gpt-4o',
      'gpt-4o-2024-08-06',
      'gpt-4',
    ]);
  });

  it('counts the reserved output against each window', () => {
    const measure = measureOf({ type: 'text', text: 'x '.repeat(2100) });
    expect(tokenizerModelsWorthLoading(measure, candidates, 1024)).toEqual([]);
    expect(tokenizerModelsWorthLoading(measure, candidates, 4096)).toEqual(['gpt-4']);
  });

  it('skips windows the reserved output already fills: no count can make them fit', () => {
    const measure = measureOf({ type: 'text', text: 'hello' });
    expect(tokenizerModelsWorthLoading(measure, candidates, 8192)).toEqual([]);
  });

  it('is empty when the request holds content no tokenizer can count', () => {
    const measure = measureOf({ type: 'file', source: { kind: 'file-id', fileId: 'file-123' } });
    expect(tokenizerModelsWorthLoading(measure, candidates, 1024)).toEqual([]);
  });

  it('includes GPT-4o mini for an image request, which it bills above the generic bound', () => {
    const measure = measureOf({ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } });
    expect(
      tokenizerModelsWorthLoading(
        measure,
        [...candidates, { model: 'gpt-4o-mini', contextWindow: 32_768 }],
        1024,
      ),
    ).toEqual(['gpt-4o-mini']);
  });
});
