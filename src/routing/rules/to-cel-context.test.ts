import { describe, expect, it } from 'vitest';
import type { RuleFactsInput, RuleRequestFactsInput } from './rule-facts.ts';
import { ruleFactLimits, toCelContext } from './to-cel-context.ts';

const request: RuleRequestFactsInput = {
  model: 'smart',
  operation: 'chat',
  dialect: 'openai-chat',
  stream: true,
  tools: true,
  json: false,
  images: false,
  audio: true,
  files: false,
  reasoning: true,
  inputTokens: 1234,
  maxTokens: 0,
  user: 'u-1',
  metadata: { tier: 'gold' },
  region: 'eu',
  tags: ['eu'],
};

const input: RuleFactsInput = {
  request,
  headers: { 'user-agent': 'test' },
  key: { id: 'key-1', name: 'prod', team: 'ml', tags: ['internal'] },
};

function withRequest(
  fields: Partial<Record<keyof RuleRequestFactsInput, unknown>>,
): RuleFactsInput {
  return { ...input, request: { ...request, ...fields } as RuleRequestFactsInput };
}

describe('toCelContext', () => {
  it('gives CEL its own kinds: bigint for int, Map for map, snake_case names', () => {
    expect(toCelContext(input)).toEqual({
      request: {
        model: 'smart',
        operation: 'chat',
        dialect: 'openai-chat',
        stream: true,
        tools: true,
        json: false,
        images: false,
        audio: true,
        files: false,
        reasoning: true,
        input_tokens: 1234n,
        max_tokens: 0n,
        user: 'u-1',
        metadata: new Map([['tier', 'gold']]),
        region: 'eu',
        tags: ['eu'],
      },
      headers: new Map([['user-agent', 'test']]),
      key: { id: 'key-1', name: 'prod', team: 'ml', tags: ['internal'] },
    });
  });

  it.each<[string, unknown, bigint]>([
    ['a whole number', 100_001, 100_001n],
    ['a fraction, truncated', 99.9, 99n],
    ['zero', 0, 0n],
    ['a negative number, clamped', -5, 0n],
    ['NaN', Number.NaN, 0n],
    ['infinity', Number.POSITIVE_INFINITY, 0n],
    ['beyond 2^53, clamped', 1e300, BigInt(Number.MAX_SAFE_INTEGER)],
    ['a bigint', 42n, 42n],
    ['a negative bigint', -42n, 0n],
    ['a huge bigint', 2n ** 80n, BigInt(Number.MAX_SAFE_INTEGER)],
    ['a numeric string', '12', 0n],
    ['undefined', undefined, 0n],
  ])('converts %s to a CEL int', (_name, value, expected) => {
    const context = toCelContext(withRequest({ inputTokens: value, maxTokens: value }));
    expect(context.request.input_tokens).toBe(expected);
    expect(context.request.max_tokens).toBe(expected);
  });

  it('cuts strings to the text limit, never inside a surrogate pair', () => {
    const long = 'a'.repeat(5000);
    const context = toCelContext(
      withRequest({ user: long, model: `${'b'.repeat(ruleFactLimits.maxTextLength - 1)}😀` }),
    );
    expect(context.request.user).toHaveLength(ruleFactLimits.maxTextLength);
    expect(context.request.model).toBe('b'.repeat(ruleFactLimits.maxTextLength - 1));
    expect(toCelContext(withRequest({ user: 'a'.repeat(1024) })).request.user).toHaveLength(1024);
  });

  it('keeps the first 64 tags, cut to the text limit, skipping non-strings', () => {
    const tags = Array.from({ length: 500 }, (_, index) => `tag-${index}`);
    const context = toCelContext({
      ...withRequest({ tags: [42, 'x'.repeat(2000), ...tags] }),
      key: { ...input.key, tags },
    });
    expect(context.request.tags).toHaveLength(63);
    expect(context.request.tags[0]).toHaveLength(ruleFactLimits.maxTextLength);
    expect(context.key.tags).toHaveLength(ruleFactLimits.maxListEntries);
    expect(context.key.tags.at(-1)).toBe('tag-63');
  });

  it('keeps the first 64 metadata entries and headers, keys and values cut', () => {
    const many = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => [`k${index}`, 'v'.repeat(3000)]),
    );
    const context = toCelContext({ ...withRequest({ metadata: many }), headers: many });
    expect(context.request.metadata.size).toBe(ruleFactLimits.maxMapEntries);
    expect(context.headers.size).toBe(ruleFactLimits.maxMapEntries);
    expect(context.request.metadata.get('k63')).toHaveLength(ruleFactLimits.maxTextLength);
    expect(context.request.metadata.has('k64')).toBe(false);
    const longKey = toCelContext(withRequest({ metadata: { ['k'.repeat(4000)]: 'v' } }));
    expect([...longKey.request.metadata.keys()][0]).toHaveLength(ruleFactLimits.maxTextLength);
  });

  it('drops credential headers before counting, lower-cases names, first one wins', () => {
    const headers = new Map<string, string>([
      ['Authorization', 'Bearer sk'],
      ['PROXY-AUTHORIZATION', 'Basic x'],
      ['Cookie', 'a=b'],
      ['X-Api-Key', 'k'],
      ['api-key', 'k'],
      ['x-goog-api-key', 'k'],
      ['x-amz-security-token', 't'],
      ['x-client-secret', 's'],
      [`x-${'long'.repeat(400)}-token`, 't'],
      ['X-Team', 'first'],
      ['x-team', 'second'],
      ...Array.from({ length: 100 }, (_, index): [string, string] => [`x-h${index}`, 'v']),
    ]);
    const context = toCelContext({ ...input, headers });
    expect(context.headers.get('x-team')).toBe('first');
    expect(context.headers.size).toBe(ruleFactLimits.maxMapEntries);
    for (const name of context.headers.keys()) {
      expect(name).toMatch(/^x-(team|h\d+)$/);
    }
  });

  it('treats metadata keys such as __proto__ as plain keys', () => {
    const metadata = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    const context = toCelContext(withRequest({ metadata }));
    expect(context.request.metadata).toEqual(
      new Map([
        ['__proto__', 'x'],
        ['constructor', 'y'],
      ]),
    );
  });

  it('reads loosely typed values as empty instead of throwing', () => {
    const odd = withRequest({
      model: 7,
      stream: 'yes',
      tools: 1,
      user: null,
      metadata: { a: 1, b: 'ok', c: null },
      region: undefined,
      tags: 'eu',
    });
    const context = toCelContext({ ...odd, headers: [] as unknown as Record<string, string> });
    expect(context.request).toMatchObject({
      model: '',
      stream: false,
      tools: false,
      user: '',
      metadata: new Map([['b', 'ok']]),
      region: '',
      tags: [],
    });
    expect(context.headers.size).toBe(0);
  });

  it('does not mutate its input', () => {
    const frozen = Object.freeze({
      ...input,
      request: Object.freeze({ ...request, tags: Object.freeze(['eu']) }),
    });
    expect(() => toCelContext(frozen)).not.toThrow();
  });
});
