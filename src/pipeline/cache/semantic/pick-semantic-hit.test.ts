import { describe, expect, it } from 'vitest';
import { pickSemanticHit } from './pick-semantic-hit.ts';

const signatures = new Map([
  [1, 'number:5'],
  [2, 'number:7'],
]);
const signatureOf = (id: number): string | undefined => signatures.get(id);

describe('pickSemanticHit', () => {
  it('skips a closer entry whose salient tokens differ', () => {
    const candidates = [
      { id: 1, similarity: 0.97 },
      { id: 2, similarity: 0.95 },
    ];
    expect(pickSemanticHit(candidates, 0.9, 'number:7', signatureOf)).toEqual({
      id: 2,
      similarity: 0.95,
    });
  });

  it('misses below the threshold even when the tokens match', () => {
    expect(
      pickSemanticHit([{ id: 2, similarity: 0.89 }], 0.9, 'number:7', signatureOf),
    ).toBeUndefined();
  });

  it('misses when no candidate matches or an entry is gone', () => {
    expect(
      pickSemanticHit([{ id: 1, similarity: 0.99 }], 0.9, 'number:9', signatureOf),
    ).toBeUndefined();
    expect(pickSemanticHit([{ id: 3, similarity: 0.99 }], 0.9, '', signatureOf)).toBeUndefined();
  });
});
