import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { readPromptTemplateBody, type PromptTemplate } from './prompt-template.ts';
import { renderPrompt } from './render-prompt.ts';

function templateOf(body: unknown): PromptTemplate {
  const reading = readPromptTemplateBody(body);
  if (!reading.ok) throw new Error(reading.problems.join('; '));
  return reading.template;
}

const support = templateOf({
  messages: [
    { role: 'system', content: 'You are the support assistant of {{company}}.' },
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Answer in {{ language }}: {{question}}' },
    { role: 'assistant', content: 'Noted ({{count}}, {{ratio}}, {{urgent}}).' },
  ],
  variables: {
    company: { type: 'string', default: 'Acme' },
    language: { type: 'enum', values: ['English', 'French'], default: 'English' },
    question: { type: 'string', max_length: 60 },
    count: { type: 'integer', required: false },
    ratio: { type: 'number', default: 0.5 },
    urgent: { type: 'boolean', required: false },
    other: { type: 'string', required: false },
  },
});

/** The error `render` throws, to check its code and param. */
function failure(render: () => unknown): GatewayError {
  try {
    render();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('renderPrompt', () => {
  it('puts system messages in system and the others in messages, with defaults filled', () => {
    expect(renderPrompt(support, { question: 'Why?' }, 'prompt.variables')).toEqual({
      system: ['You are the support assistant of Acme.', 'Be brief.'],
      messages: [
        { role: 'user', content: 'Answer in English: Why?' },
        { role: 'assistant', content: 'Noted (, 0.5, ).' },
      ],
    });
  });

  it('writes numbers and booleans as text', () => {
    const rendered = renderPrompt(
      support,
      { question: 'q', count: -3, ratio: 1e21, urgent: false, language: 'French', company: '' },
      'prompt.variables',
    );
    expect(rendered.system[0]).toBe('You are the support assistant of .');
    expect(rendered.messages[0]?.content).toBe('Answer in French: q');
    expect(rendered.messages[1]?.content).toBe('Noted (-3, 1e+21, false).');
  });

  it.each([
    [{ question: 'q', nobody: 1 }, 'prompt.variables.nobody', /not a variable/],
    [{}, 'prompt.variables.question', /is required/],
    [{ question: 7 }, 'prompt.variables.question', /must be a string/],
    [{ question: 'x'.repeat(61) }, 'prompt.variables.question', /at most 60 characters/],
    [{ question: 'q', count: 1.5 }, 'prompt.variables.count', /must be an integer/],
    [{ question: 'q', count: 2 ** 53 }, 'prompt.variables.count', /must be an integer/],
    [{ question: 'q', count: '3' }, 'prompt.variables.count', /must be an integer/],
    [{ question: 'q', ratio: '0.5' }, 'prompt.variables.ratio', /must be a number/],
    [{ question: 'q', ratio: Infinity }, 'prompt.variables.ratio', /must be a number/],
    [{ question: 'q', urgent: 'true' }, 'prompt.variables.urgent', /true or false/],
    [
      { question: 'q', language: 'German' },
      'prompt.variables.language',
      /one of "English", "French"/,
    ],
    [{ question: 'q', other: null }, 'prompt.variables.other', /must be a string/],
    [{ question: { toString: 'x' } }, 'prompt.variables.question', /must be a string/],
  ])('refuses %j naming %s', (variables, param, detail) => {
    const error = failure(() => renderPrompt(support, variables, 'prompt.variables'));
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.param).toBe(param);
    expect(error.publicMessage).toMatch(detail);
  });

  it('refuses variables that are not an object', () => {
    for (const variables of [[], 'x', 3]) {
      expect(failure(() => renderPrompt(support, variables, 'variables')).param).toBe('variables');
    }
    // Absent or null variables are no variables.
    const simple = templateOf({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(renderPrompt(simple, undefined, 'variables').messages).toEqual([
      { role: 'user', content: 'Hi' },
    ]);
    expect(renderPrompt(simple, null, 'variables').messages).toEqual([
      { role: 'user', content: 'Hi' },
    ]);
  });

  const injections = [
    '{{other}}',
    '{{ other }}',
    "{{ constructor.constructor('x')() }}",
    '${process.exit()}',
    '{% if %}yes{% endif %}',
    '<%= 7*7 %>',
    '{{#each a}}{{/each}}',
    '{{> partial}}',
    '\\{{other}}',
  ];

  it.each(injections)(
    'inserts %s literally, never evaluating or substituting it again',
    (value) => {
      const rendered = renderPrompt(
        support,
        { question: value, other: 'SUBSTITUTED', company: value },
        'prompt.variables',
      );
      expect(rendered.messages[0]?.content).toBe(`Answer in English: ${value}`);
      expect(rendered.system[0]).toBe(`You are the support assistant of ${value}.`);
      expect(JSON.stringify(rendered)).not.toContain('SUBSTITUTED');
      expect(JSON.stringify(rendered)).not.toContain('49');
    },
  );

  it('leaves a template placeholder with a dotted name as written', () => {
    const template = templateOf({
      messages: [{ role: 'user', content: 'Hello {{ a.b }} and {{a}}' }],
      variables: { a: { type: 'string' } },
    });
    expect(renderPrompt(template, { a: 'A' }, 'v').messages[0]?.content).toBe(
      'Hello {{ a.b }} and A',
    );
  });

  it('refuses __proto__ and constructor when the template does not declare them', () => {
    const body = safeParseJson('{"question":"q","__proto__":{"polluted":true}}');
    if (!body.ok) throw new Error(body.message);
    const error = failure(() => renderPrompt(support, body.value, 'prompt.variables'));
    expect(error.param).toBe('prompt.variables.__proto__');
    expect(
      failure(() => renderPrompt(support, { question: 'q', constructor: 'x' }, 'v')).param,
    ).toBe('v.constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('serves declared __proto__ and constructor variables as plain names', () => {
    const body = safeParseJson(
      '{"messages":[{"role":"user","content":"[{{__proto__}}] [{{constructor}}] [{{toString}}]"}],' +
        '"variables":{"__proto__":{"type":"string","required":false},' +
        '"constructor":{"type":"string","default":"c"},"toString":{"type":"string","required":false}}}',
    );
    if (!body.ok) throw new Error(body.message);
    const template = templateOf(body.value);
    // Missing ones are not read from Object.prototype.
    expect(renderPrompt(template, {}, 'v').messages[0]?.content).toBe('[] [c] []');
    const given = safeParseJson('{"__proto__":"P","constructor":"C","toString":"T"}');
    if (!given.ok) throw new Error(given.message);
    expect(renderPrompt(template, given.value, 'v').messages[0]?.content).toBe('[P] [C] [T]');
    expect(Object.getPrototypeOf(given.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
