import { describe, expect, it } from 'vitest';
import { LexicalEncoder } from './lexical-encoder.ts';

const encoder = new LexicalEncoder();

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1)
    sum += (left[index] ?? 0) * (right[index] ?? 0);
  return sum;
}

function similarity(left: string, right: string): number {
  return dot(encoder.encodeOne(left), encoder.encodeOne(right));
}

describe('LexicalEncoder', () => {
  it('names its version, dimensions and IDF table in the id', () => {
    expect(encoder.id).toMatch(/^lexical-v1-128-[0-9a-f]{8}$/);
    expect(new LexicalEncoder({ dimensions: 512 }).id).toMatch(/^lexical-v1-512-/);
  });

  it('gives the same vector for the same text, across instances', async () => {
    const text = 'How many moons does Jupiter have?';
    const [first] = await encoder.encode([text]);
    const second = new LexicalEncoder().encodeOne(text);
    expect(first).toEqual(second);
  });

  it('returns unit-length vectors of the configured dimensions', async () => {
    const vectors = await encoder.encode(['Explain photosynthesis.', 'x', 'Über die Brücke gehen']);
    for (const vector of vectors) {
      expect(vector).toHaveLength(128);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
    }
  });

  it('returns a zero vector for text without words, which matches nothing', () => {
    const vector = encoder.encodeOne('  ?!  ');
    expect(dot(vector, vector)).toBe(0);
  });

  it('ignores case, whitespace, full-width forms and contractions', () => {
    const base = encoder.encodeOne('What is the capital of France?');
    expect(encoder.encodeOne("what's   THE capital of\nfrance")).toEqual(base);
    expect(encoder.encodeOne('What is the capital of Ｆｒａｎｃｅ?')).toEqual(base);
  });

  it('rates a rewording closer than a different question', () => {
    const question = 'What is the boiling point of water at sea level?';
    const rewording = 'Please tell me the boiling point of water at sea level. Thanks!';
    const other = 'Who wrote the novel Pride and Prejudice?';
    expect(similarity(question, rewording)).toBeGreaterThan(0.85);
    expect(similarity(question, other)).toBeLessThan(0.3);
    expect(similarity(question, rewording)).toBeGreaterThan(similarity(question, other));
  });

  it('rates a typo closer than a changed topic', () => {
    const question = 'How does photosynthesis convert sunlight into chemical energy?';
    expect(
      similarity(question, 'How does photosynthsis convert sunlight into chemical energy?'),
    ).toBeGreaterThan(
      similarity(question, 'How does respiration convert glucose into chemical energy?'),
    );
  });

  it('rejects dimensions that are not a power of two in range', () => {
    expect(() => new LexicalEncoder({ dimensions: 300 })).toThrow(RangeError);
    expect(() => new LexicalEncoder({ dimensions: 32 })).toThrow(RangeError);
  });
});
