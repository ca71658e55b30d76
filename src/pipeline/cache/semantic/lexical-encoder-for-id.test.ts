import { describe, expect, it } from 'vitest';
import { LexicalEncoder } from './lexical-encoder.ts';
import { lexicalEncoderForId, routingLexicalEncoder } from './lexical-encoder-for-id.ts';

describe('lexicalEncoderForId', () => {
  it('rebuilds the encoder an id names, family weights included', () => {
    for (const encoder of [
      new LexicalEncoder({ dimensions: 128 }),
      new LexicalEncoder({ dimensions: 512 }),
      routingLexicalEncoder(),
    ]) {
      const rebuilt = lexicalEncoderForId(encoder.id);
      expect(rebuilt?.id).toBe(encoder.id);
      expect(rebuilt?.encodeOne('route this question')).toEqual(
        encoder.encodeOne('route this question'),
      );
    }
  });

  it('keeps the default id for default weights and tells other weights apart', () => {
    expect(new LexicalEncoder({ dimensions: 256 }).id).toMatch(/^lexical-v1-256-[0-9a-f]+$/);
    expect(routingLexicalEncoder().id).toMatch(/^lexical-v1-256-[0-9a-f]+-w1,0\.6,0$/);
    expect(routingLexicalEncoder().encodeOne('capital of france')).not.toEqual(
      new LexicalEncoder({ dimensions: 256 }).encodeOne('capital of france'),
    );
  });

  it('refuses ids of other encoders, versions, sizes or IDF tables', () => {
    const id = new LexicalEncoder({ dimensions: 256 }).id;
    for (const other of [
      'onnx-minilm-384',
      id.replace('lexical-v1', 'lexical-v9'),
      id.replace('-256-', '-300-'),
      id.replace(/-[0-9a-f]+$/, '-deadbeef'),
    ]) {
      expect(lexicalEncoderForId(other)).toBeUndefined();
    }
  });
});
