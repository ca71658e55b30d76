import { describe, expect, it } from 'vitest';
import { salientSignature } from '../../src/pipeline/cache/semantic/salient-tokens.ts';
import { changeOneEntity, changeOneNumber } from './hard-negatives.ts';
import { paraphrase } from './paraphrase-generator.ts';
import { readCsvColumn } from './read-csv-column.ts';
import { scoreThreshold, type RecordedQuery } from './score-thresholds.ts';

const question =
  'Janet buys 3 large boxes of apples for $12 each. She does not eat any. What is the total cost?';

describe('paraphrase', () => {
  it('gives the same paraphrases for the same seed', () => {
    expect(paraphrase(question, 3, 42)).toEqual(paraphrase(question, 3, 42));
  });

  it('gives different paraphrases for another seed', () => {
    expect(paraphrase(question, 3, 42)).not.toEqual(paraphrase(question, 3, 43));
  });

  it('changes the wording but never the numbers', () => {
    for (let seed = 0; seed < 20; seed += 1) {
      for (const rewording of paraphrase(question, 2, seed)) {
        expect(rewording.text).not.toBe(question);
        expect(rewording.transforms.length).toBeGreaterThanOrEqual(1);
        expect(rewording.text.match(/\d+/g)).toEqual(['3', '12']);
      }
    }
  });

  it('leaves words inside quotes alone', () => {
    for (let seed = 0; seed < 20; seed += 1) {
      for (const rewording of paraphrase('Set name = "big car" and start the engine.', 2, seed)) {
        expect(rewording.text.replace(/\s+/g, ' ').toLowerCase()).toContain('big car');
      }
    }
  });
});

describe('hard negatives', () => {
  it('change one number or one name, which changes the salient tokens', () => {
    const numberChanged = changeOneNumber(question, 1);
    expect(numberChanged?.text).not.toBe(question);
    expect(salientSignature(numberChanged?.text ?? '')).not.toBe(salientSignature(question));
    const entityChanged = changeOneEntity('What is the capital of France?', 1);
    expect(entityChanged?.text).toMatch(/^What is the capital of (?!France)\w+\?$/);
    expect(changeOneEntity('what is the capital of france?', 1)).toBeUndefined();
  });
});

describe('scoreThreshold', () => {
  it('counts a paraphrase that hits another entry, and a negative that hits, as wrong', () => {
    const queries: RecordedQuery[] = [
      {
        kind: 'paraphrase',
        expected: 1,
        candidates: [{ id: 1, similarity: 0.95, salientMatch: true }],
      },
      {
        kind: 'paraphrase',
        expected: 2,
        candidates: [{ id: 3, similarity: 0.93, salientMatch: true }],
      },
      {
        kind: 'number changed',
        expected: undefined,
        candidates: [{ id: 1, similarity: 0.97, salientMatch: false }],
      },
    ];
    const unguarded = scoreThreshold(queries, 0.9, false);
    expect(unguarded).toMatchObject({ hits: 3, correctHits: 1, hitRate: 0.5, falseHitRate: 1 });
    const guarded = scoreThreshold(queries, 0.9, true);
    expect(guarded).toMatchObject({ hits: 2, correctHits: 1, precision: 0.5, falseHitRate: 0 });
  });
});

describe('readCsvColumn', () => {
  it('reads quoted fields with commas, quotes and newlines', () => {
    expect(readCsvColumn('prompt,x\n"a, ""b""\nc",1\nplain,2\n', 'prompt')).toEqual([
      'a, "b"\nc',
      'plain',
    ]);
  });
});
