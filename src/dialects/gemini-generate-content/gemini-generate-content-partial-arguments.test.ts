import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GeminiPartialArgumentsWriter,
  parseGeminiJsonPath,
} from './gemini-generate-content-partial-arguments.ts';

function write(...batches: unknown[][]): { text: string; errors: string[] } {
  const writer = new GeminiPartialArgumentsWriter();
  let text = '';
  const errors: string[] = [];
  for (const batch of batches) {
    const step = writer.push(batch);
    text += step.delta;
    if (step.error !== undefined) errors.push(step.error);
  }
  return { text: text + writer.finish(), errors };
}

describe('parseGeminiJsonPath', () => {
  it.each([
    ['$.location', ['location']],
    ['$.recipe.ingredients[0].name', ['recipe', 'ingredients', 0, 'name']],
    ["$['a.b'][2]", ['a.b', 2]],
    ['$["say \\"hi\\""]', ['say "hi"']],
    ['$.matrix[1][0]', ['matrix', 1, 0]],
  ])('reads %s', (path, segments) => {
    expect(parseGeminiJsonPath(path)).toEqual(segments);
  });

  it.each(['$', 'location', '$..a', '$.a[x]', '$.a[', "$['a'", "$['a'x", '$a', "$['ab"])(
    'refuses %s',
    (path) => {
      expect(parseGeminiJsonPath(path)).toBeUndefined();
    },
  );
});

describe('GeminiPartialArgumentsWriter', () => {
  it('writes `{}` when no fragment arrived', () => {
    expect(write()).toEqual({ text: '{}', errors: [] });
  });

  it('streams a string in pieces and closes it (the Vertex AI recording)', () => {
    const result = write(
      [{ jsonPath: '$.location', stringValue: 'Bos', willContinue: true }],
      [{ jsonPath: '$.location', stringValue: 'ton', willContinue: true }],
      [{ jsonPath: '$.location', stringValue: '' }],
    );
    expect(result).toEqual({ text: '{"location":"Boston"}', errors: [] });
  });

  it('writes nested objects, arrays with gaps, every scalar type and escapes', () => {
    const result = write([
      { jsonPath: '$.recipe.name', stringValue: 'Pie "deluxe"\n' },
      { jsonPath: '$.recipe.ingredients[0].name', stringValue: 'flour' },
      { jsonPath: '$.recipe.ingredients[0].grams', numberValue: 250.5 },
      { jsonPath: '$.recipe.ingredients[2].name', stringValue: 'salt', willContinue: true },
      { jsonPath: '$.recipe.vegan', boolValue: false },
      { jsonPath: '$.note', nullValue: 'NULL_VALUE' },
      { jsonPath: '$.ratio', numberValue: Number.POSITIVE_INFINITY },
      { jsonPath: '$.skipped' },
    ]);
    expect(result.errors).toEqual([]);
    expect(JSON.parse(result.text)).toEqual({
      recipe: {
        name: 'Pie "deluxe"\n',
        ingredients: [{ name: 'flour', grams: 250.5 }, null, { name: 'salt' }],
        vegan: false,
      },
      note: null,
      ratio: null,
    });
  });

  it('closes a string left open at the end', () => {
    expect(write([{ jsonPath: '$.a[0]', stringValue: 'x', willContinue: true }]).text).toBe(
      '{"a":["x"]}',
    );
  });

  it.each([
    [
      'a repeated key',
      [
        { jsonPath: '$.a', numberValue: 1 },
        { jsonPath: '$.a', numberValue: 2 },
      ],
    ],
    [
      'a reopened object',
      [
        { jsonPath: '$.a.x', numberValue: 1 },
        { jsonPath: '$.b', numberValue: 2 },
        { jsonPath: '$.a.y', numberValue: 3 },
      ],
    ],
    [
      'an earlier array slot',
      [
        { jsonPath: '$.a[1]', numberValue: 1 },
        { jsonPath: '$.a[0]', numberValue: 2 },
      ],
    ],
    ['an index on the root', [{ jsonPath: '$[0]', numberValue: 1 }]],
    [
      'a key inside an array',
      [
        { jsonPath: '$.a[0]', numberValue: 1 },
        { jsonPath: '$.a.b', numberValue: 2 },
      ],
    ],
    ['a fragment without a path', [{ stringValue: 'x' }]],
    ['an unreadable path', [{ jsonPath: 'a', stringValue: 'x' }]],
  ])('reports %s instead of writing invalid JSON', (_name, fragments) => {
    expect(write(fragments).errors).toHaveLength(1);
  });

  it('rebuilds any flat object from string pieces and scalars, whatever the split (property)', () => {
    const value = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).filter((key) => key !== '__proto__'),
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
      { maxKeys: 5 },
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 4 }), (object, pieceLength) => {
        const fragments = Object.entries(object).flatMap(
          ([key, item]): Record<string, unknown>[] => {
            const jsonPath = `$[${JSON.stringify(key)}]`;
            if (typeof item === 'string') {
              const pieces = item.match(new RegExp(`[\\s\\S]{1,${pieceLength}}`, 'g')) ?? [''];
              return pieces.map((piece, index) => ({
                jsonPath,
                stringValue: piece,
                willContinue: index < pieces.length - 1,
              }));
            }
            if (item === null) return [{ jsonPath, nullValue: 'NULL_VALUE' }];
            return [
              typeof item === 'number'
                ? { jsonPath, numberValue: item }
                : { jsonPath, boolValue: item },
            ];
          },
        );
        const result = write(...fragments.map((fragment) => [fragment]));
        expect(result.errors).toEqual([]);
        expect(JSON.parse(result.text)).toEqual(object);
      }),
    );
  });
});
