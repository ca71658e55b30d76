import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinForWrites, maxWriteChars } from './join-for-writes.ts';

describe('joinForWrites', () => {
  const texts = fc.array(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: maxWriteChars + 10 }).map((length) => 'x'.repeat(length)),
    ),
    { maxLength: 30 },
  );

  it('keeps every character in order, in strings within the limit unless one text exceeds it', () => {
    fc.assert(
      fc.property(texts, (input) => {
        const writes = joinForWrites(input);
        expect(writes.join('')).toBe(input.join(''));
        for (const write of writes) {
          if (write.length > maxWriteChars) expect(input).toContain(write);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('joins as much as the limit allows: no empty write, no two neighbours that would fit in one', () => {
    fc.assert(
      fc.property(texts, (input) => {
        const writes = joinForWrites(input);
        expect(writes).not.toContain('');
        for (let index = 1; index < writes.length; index += 1) {
          const together = (writes[index - 1]?.length ?? 0) + (writes[index]?.length ?? 0);
          expect(together).toBeGreaterThan(maxWriteChars);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives nothing to write for nothing, and one string for a typical read', () => {
    expect(joinForWrites([])).toEqual([]);
    expect(joinForWrites(['', ''])).toEqual([]);
    expect(joinForWrites(['data: a\n\n', 'data: b\n\n'])).toEqual(['data: a\n\ndata: b\n\n']);
  });
});
