import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonObjectMembers, replaceJsonObjectMembers } from './json-object-members.ts';
import { safeParseJson } from './json.ts';

function parse(text: string): unknown {
  const result = safeParseJson(text);
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.value;
}

describe('findJsonObjectMembers', () => {
  it('locates each top-level member and its value', () => {
    const text = ' { "a" : 1, "b": {"c": [1, "}", {"d": "\\""}]}, "e": "x\\\\" } ';
    const members = findJsonObjectMembers(text);
    expect(members.map((member) => member.key)).toEqual(['a', 'b', 'e']);
    expect(members.map((member) => text.slice(member.valueStart, member.valueEnd))).toEqual([
      '1',
      '{"c": [1, "}", {"d": "\\""}]}',
      '"x\\\\"',
    ]);
  });

  it('decodes escaped keys, so an escaped spelling cannot hide a field', () => {
    const members = findJsonObjectMembers('{"mod\\u0065l": "x"}');
    expect(members[0]?.key).toBe('model');
  });

  it('handles an empty object', () => {
    expect(findJsonObjectMembers('{}')).toEqual([]);
  });
});

describe('replaceJsonObjectMembers', () => {
  it('replaces a value and keeps every other byte, unknown fields and number spellings included', () => {
    const text =
      '{"model":"alias","seed":12345678901234567890,"x_new_param":{"deep":[1.50,2e3]},"n":1}';
    const output = replaceJsonObjectMembers(
      text,
      findJsonObjectMembers(text),
      new Map([['model', '"gpt-4o"']]),
    );
    expect(output).toBe(
      '{"model":"gpt-4o","seed":12345678901234567890,"x_new_param":{"deep":[1.50,2e3]},"n":1}',
    );
  });

  it('replaces every occurrence of a duplicated key', () => {
    const text = '{"model":"a","model":"b"}';
    const output = replaceJsonObjectMembers(
      text,
      findJsonObjectMembers(text),
      new Map([['model', '"z"']]),
    );
    expect(output).toBe('{"model":"z","model":"z"}');
  });

  it('appends keys that were absent, before the closing brace', () => {
    const text = '{"model":"a"}\n';
    const output = replaceJsonObjectMembers(
      text,
      findJsonObjectMembers(text),
      new Map([['stream_options', '{"include_usage":true}']]),
    );
    expect(parse(output)).toEqual({ model: 'a', stream_options: { include_usage: true } });
    expect(replaceJsonObjectMembers('{ }', [], new Map([['a', '1']]))).toBe('{"a":1}');
  });

  it('produces valid JSON equal to the intended object for any object (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
        fc.string({ maxLength: 12 }),
        fc.boolean(),
        (object, model, pretty) => {
          const text = JSON.stringify(object, null, pretty ? 2 : undefined);
          const output = replaceJsonObjectMembers(
            text,
            findJsonObjectMembers(text),
            new Map([['model', JSON.stringify(model)]]),
          );
          expect(parse(output)).toEqual({ ...(parse(text) as object), model });
        },
      ),
    );
  });
});

describe('replaceJsonObjectMembers removing members', () => {
  it('removes a member wherever it is and keeps the others as they were', () => {
    const text = '{"model": "a", "x": [1.50], "y": {"model": 2}}';
    const members = findJsonObjectMembers(text);
    expect(replaceJsonObjectMembers(text, members, new Map([['model', undefined]]))).toBe(
      '{"x": [1.50],"y": {"model": 2}}',
    );
    expect(
      replaceJsonObjectMembers(
        text,
        members,
        new Map<string, string | undefined>([
          ['y', undefined],
          ['v', '"2023"'],
        ]),
      ),
    ).toBe(
      '{"model": "a","x": [1.50],"anthropic_version":"2023"}'.replace('anthropic_version', 'v'),
    );
  });

  it('removes the only member', () => {
    const text = '{"model":"a"}';
    expect(
      replaceJsonObjectMembers(text, findJsonObjectMembers(text), new Map([['model', undefined]])),
    ).toBe('{}');
  });
});
