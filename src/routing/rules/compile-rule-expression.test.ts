import { describe, expect, it } from 'vitest';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import { buildRuleFacts, type RuleFactsSources } from './build-rule-facts.ts';
import { compileRuleExpression, ruleExpressionLimits } from './compile-rule-expression.ts';
import type { RuleFacts } from './rule-facts.ts';
import { toCelContext } from './to-cel-context.ts';

const userText: ChatMessage = { role: 'user', content: [{ type: 'text', text: 'hello' }] };

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({ model: 'smart', messages: [userText], ...fields });
}

const baseSources: RuleFactsSources = {
  envelope: { model: 'smart', operation: 'chat', dialect: 'openai-chat', stream: false },
  chatRequest: chat(),
  estimatedInputTokens: 1200,
  requestedRegion: undefined,
  requestedTags: [],
  headers: { 'content-type': 'application/json', 'user-agent': 'openai-node/6' },
  key: { id: 'key-1', name: 'production', team: undefined, tags: [] },
};

function factsFor(overrides: Partial<RuleFactsSources> = {}): RuleFacts {
  return toCelContext(buildRuleFacts({ ...baseSources, ...overrides }));
}

function compiled(text: string) {
  const result = compileRuleExpression(text);
  if (!result.ok) {
    throw new Error(`expected ${text} to compile: ${result.message}`);
  }
  return result;
}

function compileError(text: string): string {
  const result = compileRuleExpression(text);
  if (result.ok) {
    throw new Error(`expected ${text} to be refused`);
  }
  return result.message;
}

describe('compileRuleExpression: accepted expressions', () => {
  it.each([
    'request.input_tokens > 100000',
    '"eu" in key.tags || request.region == "eu"',
    'request.tools && request.json && !request.stream',
    'request.images || request.audio || request.files || request.reasoning',
    'request.max_tokens >= 4096 && request.user != ""',
    'has(request.metadata.tier) && request.metadata.tier == "gold"',
    '"tier" in request.metadata && request.metadata["tier"] in ["gold", "platinum"]',
    'headers["user-agent"].startsWith("openai-node")',
    'request.tags.exists(tag, tag == "hipaa")',
    'key.tags.all(tag, tag in request.tags)',
    'request.tags.filter(tag, tag.startsWith("eu")).exists(tag, tag == "eu-west")',
    'size(request.tags) > 0 && key.team == "ml"',
    'request.model.endsWith("-mini") && request.operation == "chat"',
    'request.dialect == "anthropic-messages" && request.input_tokens > 1.5',
    'cel.bind(tokens, request.input_tokens + request.max_tokens, tokens > 200000)',
    'request.tags.exists(t, t == "a") &&\n  key.id == "key-1"',
    'true',
  ])('compiles %s', (text) => {
    expect(compileRuleExpression(text).ok).toBe(true);
  });
});

describe('compileRuleExpression: refused expressions', () => {
  it.each([
    ['unknown variable', 'user.id == "x"', 'unknown variable "user" at column 1'],
    ['unknown field', 'request.nope', 'unknown field "nope" at column 9'],
    ['unknown key field', 'key.email == "a@b.c"', 'unknown field "email" at column 5'],
    ['string compared with int', 'request.model > 1', 'no such overload: string > int at column 1'],
    ['bool compared with string', 'request.stream == "yes"', 'no such overload: bool == string'],
    ['int field used as bool', 'request.input_tokens && true', 'at column 1'],
    ['non-bool result: string', 'request.model', 'must give a bool (true or false), not string'],
    [
      'non-bool result: int',
      'request.input_tokens + 1',
      'must give a bool (true or false), not int',
    ],
    ['non-bool result: list', 'request.tags', 'not list<string>'],
    ['syntax error', 'request.model == ', 'syntax error: unexpected token: EOF at column 18'],
    [
      'unterminated string',
      'request.model == "gpt',
      'syntax error: unterminated string at column 18',
    ],
    ['syntax error on line 2', 'request.tools &&\n  request.json ||', 'at line 2, column 18'],
    [
      'nesting too deep',
      `${'('.repeat(40)}true${')'.repeat(40)}`,
      'nested too deeply (more than 32 levels) at column 33',
    ],
    ['too many nodes', `request.tools${' && true'.repeat(200)}`, 'expression too large'],
    [
      'a list literal over the node limit',
      `[${Array.from({ length: 300 }, () => '"x"').join(',')}].size() > 0`,
      'expression too large (more than 256 nodes)',
    ],
    [
      'too many call arguments',
      `request.model.startsWith(${Array.from({ length: 9 }, () => '"a"').join(', ')})`,
      'too many call arguments (more than 8)',
    ],
    ['empty', '   ', 'expression is empty'],
    ['too long', `request.tools || ${'true || '.repeat(250)}true`, 'expression too long'],
    [
      'regular expressions',
      'request.user.matches("^(a+)+$")',
      'matches() is not allowed at column 14',
    ],
    [
      'nested iteration',
      'key.tags.all(a, request.tags.exists(b, a == b))',
      '"exists" inside "all" is not allowed at column 17',
    ],
    [
      'nested iteration in a map body',
      'request.tags.map(a, request.tags.filter(b, b == a)).size() > 0',
      '"filter" inside "map" is not allowed',
    ],
    ['optional syntax is off', 'request.metadata.?tier == "x"', 'at column'],
  ])('refuses %s', (_name, text, expected) => {
    const message = compileError(text);
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThanOrEqual(200);
  });

  it('refuses text over the length limit before parsing it', () => {
    const text = `request.tools${' '.repeat(ruleExpressionLimits.maxTextLength)}`;
    expect(compileError(text)).toBe('expression too long (2013 characters; at most 2000)');
  });

  it('refuses text that is not a string (a loosely typed config)', () => {
    expect(compileError(42 as unknown as string)).toBe('expression must be text');
  });

  it('forgets the oldest text once 1024 are cached', () => {
    const first = compileRuleExpression('request.input_tokens > -1');
    for (let index = 0; index < 1024; index += 1) {
      compileRuleExpression(`request.input_tokens > ${index}`);
    }
    const again = compileRuleExpression('request.input_tokens > -1');
    expect(again).not.toBe(first);
    expect(again.ok).toBe(true);
  });

  it('returns the cached result for the same text', () => {
    const text = 'request.input_tokens > 12345 && request.tools';
    expect(compileRuleExpression(text)).toBe(compileRuleExpression(text));
    expect(compileRuleExpression('request.nope')).toBe(compileRuleExpression('request.nope'));
  });
});

describe('compileRuleExpression: evaluation', () => {
  const audioPart: ChatMessage = {
    role: 'user',
    content: [{ type: 'file', source: { kind: 'base64', mediaType: 'audio/wav', data: 'UklG' } }],
  };
  const imagePart: ChatMessage = {
    role: 'user',
    content: [{ type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } }],
  };
  const pdfPart: ChatMessage = {
    role: 'user',
    content: [{ type: 'file', source: { kind: 'url', url: 'https://example.com/report.pdf' } }],
  };

  it.each<[string, string, Partial<RuleFactsSources>, boolean]>([
    ['long context over', 'request.input_tokens > 100000', { estimatedInputTokens: 100001 }, true],
    ['long context at', 'request.input_tokens > 100000', { estimatedInputTokens: 100000 }, false],
    ['tokens as double', 'request.input_tokens >= 1.5e5', { estimatedInputTokens: 150000 }, true],
    [
      'tools present',
      'request.tools',
      { chatRequest: chat({ tools: [{ name: 'f', parameters: {} }] }) },
      true,
    ],
    ['tools absent', 'request.tools', {}, false],
    [
      'json mode',
      'request.json',
      { chatRequest: chat({ responseFormat: { type: 'json-object' } }) },
      true,
    ],
    [
      'text format',
      'request.json',
      { chatRequest: chat({ responseFormat: { type: 'text' } }) },
      false,
    ],
    [
      'image',
      'request.images && !request.audio',
      { chatRequest: chat({ messages: [imagePart] }) },
      true,
    ],
    [
      'audio',
      'request.audio && !request.files',
      { chatRequest: chat({ messages: [audioPart] }) },
      true,
    ],
    [
      'pdf',
      'request.files && !request.images',
      { chatRequest: chat({ messages: [pdfPart] }) },
      true,
    ],
    [
      'reasoning',
      'request.reasoning',
      { chatRequest: chat({ reasoning: { effort: 'high' } }) },
      true,
    ],
    ['max tokens unset', 'request.max_tokens == 0', {}, true],
    [
      'max tokens set',
      'request.max_tokens > 8000',
      { chatRequest: chat({ maxOutputTokens: 8192 }) },
      true,
    ],
    ['stream', 'request.stream', { envelope: { ...baseSources.envelope, stream: true } }, true],
    [
      'operation',
      'request.operation == "embeddings"',
      { envelope: { ...baseSources.envelope, operation: 'embeddings' } },
      true,
    ],
    ['dialect', 'request.dialect == "openai-chat"', {}, true],
    ['model prefix', 'request.model.startsWith("sma")', {}, true],
    ['user set', 'request.user == "u-7"', { chatRequest: chat({ user: 'u-7' }) }, true],
    ['user unset', 'request.user == ""', {}, true],
    [
      'metadata has()',
      'has(request.metadata.tier)',
      { chatRequest: chat({ metadata: { tier: 'gold' } }) },
      true,
    ],
    ['metadata has() absent', 'has(request.metadata.tier)', {}, false],
    [
      'metadata in',
      '"tier" in request.metadata && request.metadata.tier == "gold"',
      { chatRequest: chat({ metadata: { tier: 'gold' } }) },
      true,
    ],
    [
      'metadata in absent',
      '"tier" in request.metadata && request.metadata.tier == "gold"',
      {},
      false,
    ],
    [
      'metadata size',
      'size(request.metadata) == 2',
      { chatRequest: chat({ metadata: { a: '1', b: '2' } }) },
      true,
    ],
    ['header present', 'headers["user-agent"].startsWith("openai-node")', {}, true],
    ['header by any case', '"x-team" in headers', { headers: { 'X-Team': 'ml' } }, true],
    ['header absent', '"x-team" in headers', {}, false],
    ['key team', 'key.team == "ml"', { key: { ...baseSources.key, team: 'ml' } }, true],
    ['key no team', 'key.team == ""', {}, true],
    [
      'key tags',
      '"eu" in key.tags',
      { key: { ...baseSources.key, tags: ['eu', 'internal'] } },
      true,
    ],
    ['key id and name', 'key.id == "key-1" && key.name == "production"', {}, true],
    ['region', 'request.region == "eu"', { requestedRegion: 'eu' }, true],
    ['no region', 'request.region == ""', {}, true],
    [
      'tags exists',
      'request.tags.exists(t, t.startsWith("hip"))',
      { requestedTags: ['gdpr', 'hipaa'] },
      true,
    ],
    [
      'tags exists none',
      'request.tags.exists(t, t.startsWith("hip"))',
      { requestedTags: ['gdpr'] },
      false,
    ],
    [
      'tags all',
      'request.tags.all(t, t in key.tags)',
      { requestedTags: ['eu'], key: { ...baseSources.key, tags: ['eu'] } },
      true,
    ],
    [
      'eu team (either)',
      '"eu" in key.tags || request.region == "eu"',
      { requestedRegion: 'eu' },
      true,
    ],
    ['eu team (neither)', '"eu" in key.tags || request.region == "eu"', {}, false],
    ['three clauses', 'request.input_tokens > 1000 && !request.tools && key.team == ""', {}, true],
  ])('%s: %s', (_name, text, overrides, expected) => {
    expect(compiled(text).evaluate(factsFor(overrides))).toEqual({ matched: expected });
  });

  it.each([
    ['missing map key', 'request.metadata["tier"] == "gold"', 'no such key "tier" at column 1'],
    ['division by zero', 'request.input_tokens / request.max_tokens > 2', 'division by zero'],
    ['list index out of range', 'request.tags[3] == "eu"', 'list index out of bounds'],
    ['bad conversion', 'int(request.model) > 3', 'cannot convert to int'],
    ['overflow', 'request.input_tokens * 9223372036854775807 > 0', 'integer overflow'],
  ])('a runtime error (%s) does not match and says why', (_name, text, expected) => {
    const outcome = compiled(text).evaluate(factsFor());
    expect(outcome.matched).toBe(false);
    expect(outcome.error).toContain(expected);
    expect(outcome.error).not.toContain('\n');
  });

  it('a runtime error on the side CEL skips does not fail the rule', () => {
    const rule = compiled('request.tools || request.metadata["tier"] == "gold"');
    const facts = factsFor({ chatRequest: chat({ tools: [{ name: 'f', parameters: {} }] }) });
    expect(rule.evaluate(facts)).toEqual({ matched: true });
  });

  it('cannot see credential headers, even when the client sends them', () => {
    const facts = factsFor({
      headers: {
        Authorization: 'Bearer sk-live',
        'x-api-key': 'sk-ant',
        'x-goog-api-key': 'AIza',
        cookie: 'session=1',
        'x-amz-security-token': 'token',
        'x-client-secret': 'secret',
        'x-visible': 'yes',
      },
    });
    for (const name of [
      'authorization',
      'x-api-key',
      'x-goog-api-key',
      'cookie',
      'x-amz-security-token',
      'x-client-secret',
    ]) {
      expect(compiled(`"${name}" in headers`).evaluate(facts)).toEqual({ matched: false });
    }
    expect(
      compiled('headers.exists(name, name.contains("auth") || name.endsWith("key"))').evaluate(
        facts,
      ),
    ).toEqual({ matched: false });
    expect(compiled('headers["x-visible"] == "yes"').evaluate(facts)).toEqual({ matched: true });
  });

  it('evaluates many times with different facts (the compiled form keeps no state)', () => {
    const rule = compiled('request.input_tokens > 100 && request.tags.exists(t, t == "eu")');
    const results = [50, 150, 150].map((tokens, index) =>
      rule.evaluate(
        factsFor({ estimatedInputTokens: tokens, requestedTags: index === 2 ? [] : ['eu'] }),
      ),
    );
    expect(results).toEqual([{ matched: false }, { matched: true }, { matched: false }]);
  });

  it('stays fast on the largest facts the caps allow', () => {
    const facts = factsFor({
      requestedTags: Array.from({ length: 1000 }, (_, index) => `tag-${index}`),
      key: { ...baseSources.key, tags: Array.from({ length: 1000 }, (_, index) => `k-${index}`) },
    });
    const rule = compiled('request.tags.all(tag, tag in key.tags)');
    expect(facts.request.tags).toHaveLength(64);
    expect(rule.evaluate(facts)).toEqual({ matched: false });
  });
});
