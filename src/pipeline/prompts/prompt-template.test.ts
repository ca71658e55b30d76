import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../lib/json.ts';
import {
  characterCount,
  readPromptTemplateBody,
  readStoredTemplate,
  type PromptTemplateReading,
} from './prompt-template.ts';

const example = {
  messages: [
    { role: 'system', content: 'You are the support assistant of {{company}}.' },
    { role: 'user', content: 'Answer in {{ language }}: {{question}}' },
  ],
  variables: {
    company: { type: 'string', default: 'Acme' },
    language: { type: 'enum', values: ['English', 'French'], default: 'English' },
    question: { type: 'string', max_length: 4000 },
    count: { type: 'integer', required: false },
  },
  note: 'shorter system prompt',
};

function ok(reading: PromptTemplateReading): Extract<PromptTemplateReading, { ok: true }> {
  if (!reading.ok) throw new Error(`expected a valid template: ${reading.problems.join('; ')}`);
  return reading;
}

function problemsOf(body: unknown): readonly string[] {
  const reading = readPromptTemplateBody(body);
  if (reading.ok) throw new Error('expected problems');
  return reading.problems;
}

describe('readPromptTemplateBody', () => {
  it('reads the documented example into messages split at placeholders', () => {
    const reading = ok(readPromptTemplateBody(example));
    expect(reading.note).toBe('shorter system prompt');
    const [system, user] = reading.template.messages;
    expect(system?.role).toBe('system');
    expect(
      system?.segments.map((segment) =>
        typeof segment === 'string' ? segment : `<${segment.name}>`,
      ),
    ).toEqual(['You are the support assistant of ', '<company>', '.']);
    expect(
      user?.segments.map((segment) =>
        typeof segment === 'string' ? segment : `<${segment.name}>`,
      ),
    ).toEqual(['Answer in ', '<language>', ': ', '<question>']);
    expect(reading.template.variables.get('question')).toEqual({
      name: 'question',
      type: 'string',
      required: true,
      default: undefined,
      maxLength: 4000,
      values: [],
    });
    expect(reading.template.variables.get('company')?.required).toBe(false);
    expect(reading.template.variables.get('count')?.required).toBe(false);
  });

  it('stores canonical JSON without the note, hashed with SHA-256', () => {
    const reading = ok(readPromptTemplateBody(example));
    expect(reading.text.startsWith('{"messages":[{"content":"You are')).toBe(true);
    expect(reading.text).not.toContain('shorter system prompt');
    expect(reading.sha256).toBe(createHash('sha256').update(reading.text).digest('hex'));
    // Member order and the note do not change the meaning, so they do not change the hash.
    const reordered = {
      note: 'another note',
      variables: Object.fromEntries(Object.entries(example.variables).reverse()),
      messages: example.messages.map((message) => ({
        content: message.content,
        role: message.role,
      })),
    };
    expect(ok(readPromptTemplateBody(reordered)).sha256).toBe(reading.sha256);
    const changed = { ...example, messages: [{ role: 'user', content: 'Hi {{question}}' }] };
    expect(ok(readPromptTemplateBody(changed)).sha256).not.toBe(reading.sha256);
  });

  it('reads its stored text back to the same template', () => {
    const reading = ok(readPromptTemplateBody(example));
    const stored = ok(readStoredTemplate(reading.text));
    expect(stored.template).toEqual(reading.template);
    expect(stored.text).toBe(reading.text);
    expect(readStoredTemplate('{not json').ok).toBe(false);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      messages: [
        { role: 'user', content: 'Hello {{ nobody }} and {{ company }}' },
        { role: 'system', content: 'late system text' },
      ],
      variables: {
        company: { type: 'string', default: 7 },
        mood: { type: 'enum', values: ['a', 'a'] },
        size: { type: 'integer', max_length: 3 },
        colour: { type: 'enum' },
        '1bad': { type: 'string' },
        flag: { type: 'boolean', required: true, default: true },
        shape: { type: 'string', values: ['x'] },
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'messages.1.role: system messages come before all others',
        'messages.0.content: the placeholder {{ nobody }} names no declared variable',
        'variables.company.default: must be a string',
        'variables.mood.values: must be distinct',
        'variables.size.max_length: only a string has a max_length',
        'variables.colour.values: an enum needs its values',
        'variables.flag.required: a variable with a default is optional',
        'variables.shape.values: only an enum has values',
      ]),
    );
    expect(problems.some((problem) => problem.includes('"1bad" is not a variable name'))).toBe(
      true,
    );
    expect(problems).toHaveLength(9);
  });

  it('checks defaults against their own declaration', () => {
    const problems = problemsOf({
      messages: [{ role: 'user', content: 'x' }],
      variables: {
        short: { type: 'string', max_length: 3, default: 'four' },
        choice: { type: 'enum', values: ['a'], default: 'b' },
        whole: { type: 'integer', default: 1.5 },
        yes: { type: 'boolean', default: 'true' },
      },
    });
    expect(problems).toEqual([
      'variables.short.default: must be at most 3 characters',
      'variables.choice.default: must be one of "a"',
      'variables.whole.default: must be an integer',
      'variables.yes.default: must be true or false',
    ]);
  });

  it('refuses unknown fields, empty content, bad roles and out-of-range sizes', () => {
    expect(problemsOf({ messages: [{ role: 'user', content: 'x' }], extra: 1 }).join()).toMatch(
      /extra/,
    );
    expect(problemsOf({ messages: [{ role: 'user', content: '' }] })).toEqual([
      'messages.0.content: must not be empty',
    ]);
    expect(problemsOf({ messages: [{ role: 'tool', content: 'x' }] })[0]).toMatch(
      /^messages\.0\.role:/,
    );
    expect(problemsOf({ messages: [] })[0]).toMatch(/^messages:/);
    expect(
      problemsOf({
        messages: Array.from({ length: 101 }, () => ({ role: 'user', content: 'x' })),
      })[0],
    ).toMatch(/^messages:/);
    expect(
      problemsOf({
        messages: [{ role: 'user', content: 'x' }],
        variables: { a: { type: 'string', colour: 1 } },
      })[0],
    ).toMatch(/^variables\.a: .*colour/);
    expect(problemsOf({ messages: [{ role: 'user', content: 'x' }], variables: [] })).toEqual([
      'variables: must be an object of variable definitions',
    ]);
    const many = Object.fromEntries(
      Array.from({ length: 101 }, (_, index) => [`v${String(index)}`, { type: 'string' }]),
    );
    expect(problemsOf({ messages: [{ role: 'user', content: 'x' }], variables: many })).toContain(
      'variables: at most 100 variables',
    );
    expect(problemsOf({ messages: [{ role: 'user', content: 'x'.repeat(70_000) }] })).toEqual([
      '(body): the template may be at most 64 KiB as JSON',
    ]);
    expect(problemsOf('text')[0]).toMatch(/^\(body\):/);
  });

  it('refuses a __proto__ member where only fixed members are allowed', () => {
    for (const text of [
      '{"messages":[{"role":"user","content":"x"}],"__proto__":{"note":"a"}}',
      '{"messages":[{"role":"user","content":"x","__proto__":{"role":"system"}}]}',
      '{"messages":[{"role":"user","content":"{{v}}"}],"variables":{"v":{"type":"string","__proto__":{}}}}',
    ]) {
      const parsed = safeParseJson(text);
      if (!parsed.ok) throw new Error(parsed.message);
      const problems = problemsOf(parsed.value);
      // One problem: a placeholder naming a variable with a bad definition adds no second one.
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/Unrecognized key: "__proto__"/);
    }
  });

  it('leaves anything between braces that is not a bare name as plain text', () => {
    const content =
      "{{ a.b }} {{ constructor.constructor('x')() }} {% if %} <%= 7*7 %> ${x} {{}} {{ 9x }}";
    const reading = ok(readPromptTemplateBody({ messages: [{ role: 'user', content }] }));
    expect(reading.template.messages[0]?.segments).toEqual([content]);
  });

  it('takes __proto__ and constructor as ordinary variable names, without touching prototypes', () => {
    const body = safeParseJson(
      '{"messages":[{"role":"user","content":"{{__proto__}} {{constructor}}"}],' +
        '"variables":{"__proto__":{"type":"string"},"constructor":{"type":"integer"}}}',
    );
    if (!body.ok) throw new Error(body.message);
    const reading = ok(readPromptTemplateBody(body.value));
    expect([...reading.template.variables.keys()]).toEqual(['__proto__', 'constructor']);
    expect(reading.text).toContain('"__proto__":{"type":"string"}');
    expect(ok(readStoredTemplate(reading.text)).template).toEqual(reading.template);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it('counts characters as code points', () => {
    expect(characterCount('abc', 10)).toBe(3);
    expect(characterCount('😀😀', 3)).toBe(2);
    expect(characterCount('😀😀', 1)).toBe(2);
    const reading = ok(
      readPromptTemplateBody({
        messages: [{ role: 'user', content: '{{v}}' }],
        variables: { v: { type: 'string', max_length: 2, default: '😀😀' } },
      }),
    );
    expect(reading.template.variables.get('v')?.default).toBe('😀😀');
  });
});
