import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowPlaceholders, statementChunks, textPerRowCount } from './statement-chunks.ts';

describe('statementChunks', () => {
  it('splits into power-of-two chunks of at most 32, largest first', () => {
    expect(statementChunks([])).toEqual([]);
    expect(statementChunks([1])).toEqual([[1]]);
    expect(statementChunks([1, 2, 3]).map((chunk) => chunk.length)).toEqual([2, 1]);
    expect(
      statementChunks(Array.from({ length: 100 }, (_, index) => index)).map(
        (chunk) => chunk.length,
      ),
    ).toEqual([32, 32, 32, 4]);
  });

  it('keeps every item once, in order, with at most six chunk sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), (items) => {
        const chunks = statementChunks(items);
        expect(chunks.flat()).toEqual(items);
        for (const chunk of chunks) expect([1, 2, 4, 8, 16, 32]).toContain(chunk.length);
      }),
    );
  });
});

describe('rowPlaceholders', () => {
  it('numbers the values row by row and casts only the columns asked for', () => {
    expect(rowPlaceholders(1, 1)).toBe('($1)');
    expect(rowPlaceholders(2, 3)).toBe('($1, $2, $3), ($4, $5, $6)');
    expect(
      rowPlaceholders(2, 2, (placeholder, column) =>
        column === 1 ? `${placeholder}::jsonb` : placeholder,
      ),
    ).toBe('($1, $2::jsonb), ($3, $4::jsonb)');
  });
});

describe('textPerRowCount', () => {
  it('builds each row count once and hands out what it built', () => {
    const built: number[] = [];
    const text = textPerRowCount((rows) => {
      built.push(rows);
      return `VALUES ${rowPlaceholders(rows, 2)}`;
    });
    expect(text(2)).toBe('VALUES ($1, $2), ($3, $4)');
    expect(text(1)).toBe('VALUES ($1, $2)');
    expect(text(2)).toBe('VALUES ($1, $2), ($3, $4)');
    expect(text(1)).toBe('VALUES ($1, $2)');
    expect(built).toEqual([2, 1]);
  });
});
