import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../../test/helpers/fuzz-settings.ts';
import { readPromptTemplateBody } from './prompt-template.ts';
import { renderPrompt } from './render-prompt.ts';

// A template is generated as a list of parts, literal text or placeholders, so the expected
// rendering is computed from the parts themselves, never by the code under test: each
// placeholder becomes exactly its value, and nothing else changes.

const names = ['a', 'b', 'snake_case', 'constructor', '__proto__'] as const;
type Name = (typeof names)[number];

type Part = { readonly text: string } | { readonly name: Name; readonly spelling: string };

/** Text that cannot form a placeholder with its neighbours: no braces, or braces that are inert. */
const literal = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      ...['a', 'b', 'c', ' ', 'x', 'y', 'z', '.', '\n', '\t', '$', '%', '<', '>', '=', '(', ')'],
      ...['!', "'", '"', '\\', 'é', '😀'],
    ),
    minLength: 1,
    maxLength: 12,
  }),
  fc.constantFrom(
    '{{ a.b }}',
    "{{ constructor.constructor('x')() }}",
    '${process.exit()}',
    '{% if a %}',
    '<%= 7*7 %>',
    '{{}}',
    '{{ 1a }}',
    '{{#each a}}',
    '{ a }',
  ),
);

const placeholder = fc
  .tuple(
    fc.constantFrom(...names),
    fc.constantFrom('', ' ', '  ', '\t'),
    fc.constantFrom('', ' ', '\t '),
  )
  .map(([name, before, after]): Part => ({ name, spelling: `{{${before}${name}${after}}}` }));

const parts = fc.array(
  fc.oneof(
    literal.map((text): Part => ({ text })),
    placeholder,
  ),
  {
    minLength: 1,
    maxLength: 12,
  },
);

/** Values that look like template syntax, including other variables' placeholders. */
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '{{a}}',
    '{{ b }}',
    '{{__proto__}}',
    '{{constructor}}',
    "{{ constructor.constructor('x')() }}",
    '${process.exit()}',
    '{% if %}',
    '<%= 7*7 %>',
    '$&',
    '$1',
    '',
  ),
);

// A tuple, not `fc.record`: a record's `__proto__` member would be read as its prototype.
const values = fc
  .tuple(value, value, value, value, value)
  .map((list) => new Map(names.map((name, index) => [name, list[index] ?? ''])));

function contentOf(message: readonly Part[]): string {
  return message.map((part) => ('text' in part ? part.text : part.spelling)).join('');
}

describe('renderPrompt (property)', () => {
  it('replaces each placeholder by exactly its value and changes nothing else', () => {
    fc.assert(
      fc.property(parts, parts, values, (systemParts, userParts, given) => {
        const body = {
          messages: [
            { role: 'system', content: contentOf(systemParts) },
            { role: 'user', content: contentOf(userParts) },
          ],
          // `Object.fromEntries` defines members, so `__proto__` is an own member here.
          variables: Object.fromEntries(
            names.map((name) => [name, { type: 'string', max_length: 100_000 }]),
          ),
        };
        const reading = readPromptTemplateBody(body);
        if (!reading.ok) throw new Error(reading.problems.join('; '));
        // Own members again (as JSON.parse makes them), `__proto__` included.
        const variables = Object.fromEntries(given);
        expect(Object.keys(variables)).toContain('__proto__');
        const expected = (message: readonly Part[]): string =>
          message.map((part) => ('text' in part ? part.text : given.get(part.name))).join('');
        const rendered = renderPrompt(reading.template, variables, 'prompt.variables');
        expect(rendered.system).toEqual([expected(systemParts)]);
        expect(rendered.messages).toEqual([{ role: 'user', content: expected(userParts) }]);
        expect(Object.getPrototypeOf(variables)).toBe(Object.prototype);
      }),
      fuzzParameters(300),
    );
  });
});
