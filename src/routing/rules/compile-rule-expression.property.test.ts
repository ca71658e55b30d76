import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, readFuzzCorpus } from '../../../test/helpers/fuzz-settings.ts';
import { compileRuleExpression, ruleExpressionLimits } from './compile-rule-expression.ts';
import type { RuleFactsInput } from './rule-facts.ts';
import { toCelContext } from './to-cel-context.ts';

// Rule expressions come from the configuration (reloadable at runtime) and their facts from
// clients: compiling never throws, an accepted expression evaluates to a decision or a clean error
// in bounded time, and nothing reaches a built-in prototype.

const corpus = readFuzzCorpus('rule-expressions').flatMap((entry) =>
  entry.text.split('\n').filter((line) => line.trim() !== ''),
);

const prototypes = [
  Object.prototype,
  Array.prototype,
  Map.prototype,
  String.prototype,
  Function.prototype,
];
const prototypeSnapshot = (): string[][] =>
  prototypes.map((proto) => Object.getOwnPropertyNames(proto).sort());
const before = prototypeSnapshot();

function expectPrototypesUntouched(): void {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const identifiers = [
  'request.model',
  'request.operation',
  'request.dialect',
  'request.stream',
  'request.tools',
  'request.json',
  'request.images',
  'request.audio',
  'request.files',
  'request.reasoning',
  'request.input_tokens',
  'request.max_tokens',
  'request.user',
  'request.metadata',
  'request.region',
  'request.tags',
  'headers',
  'key.id',
  'key.name',
  'key.team',
  'key.tags',
  'request',
  'key',
  'request.metadata["env"]',
  'headers["user-agent"]',
  'headers["__proto__"]',
  'request.__proto__',
  'constructor',
  'this',
  'x',
  'request.metadata.env',
];
const literals = [
  '0',
  '1',
  '-1',
  '9223372036854775807',
  '-9223372036854775808',
  '1u',
  '18446744073709551615u',
  '1.5',
  '1e308',
  '0.0',
  'true',
  'false',
  'null',
  '""',
  '"gpt"',
  '"\\u0000"',
  "'__proto__'",
  'b"\\xff"',
  '[]',
  '[1, 2]',
  '{}',
  '{"a": 1}',
  'r"\\d+"',
  '"(a+)+$"',
];
const { expression } = fc.letrec<{ expression: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...identifiers, ...literals),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom(
          '==',
          '!=',
          '<',
          '<=',
          '>',
          '>=',
          '&&',
          '||',
          '+',
          '-',
          '*',
          '/',
          '%',
          'in',
        ),
        tie('expression'),
      )
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(
        fc.constantFrom(
          '!',
          '-',
          '(',
          'size(',
          'has(',
          'int(',
          'string(',
          'dyn(',
          'double(',
          'type(',
        ),
        tie('expression'),
      )
      .map(([prefix, a]) => (prefix.endsWith('(') ? `${prefix}${a})` : `${prefix}${a}`)),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom('startsWith', 'endsWith', 'contains', 'matches', 'size', 'lowerAscii'),
        tie('expression'),
      )
      .map(([a, method, b]) => `${a}.${method}(${b})`),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom('exists', 'all', 'exists_one', 'map', 'filter'),
        tie('expression'),
      )
      .map(([a, macro, b]) => `${a}.${macro}(t, ${b})`),
    fc
      .tuple(tie('expression'), tie('expression'), tie('expression'))
      .map(([a, b, c]) => `${a} ? ${b} : ${c}`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `${a}[${b}]`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, b]) => `[${a}, ${b}]`),
  ),
}));
/** Well-typed expressions (CEL checks types when compiling), so most reach evaluation. */
const typed = fc.letrec<{ bool: string; str: string; int: string; list: string }>((tie) => ({
  str: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'request.model',
      'request.user',
      'key.team',
      'request.region',
      'request.metadata["env"]',
      'headers["user-agent"]',
      'headers["__proto__"]',
      '"gpt"',
      '""',
      '"\\u0000"',
      "'__proto__'",
    ),
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} + ${b}`),
    tie('int').map((a) => `string(${a})`),
    tie('list').map((a) => `${a}[0]`),
  ),
  int: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'request.input_tokens',
      'request.max_tokens',
      '0',
      '7',
      '-1',
      '9223372036854775807',
      '-9223372036854775808',
    ),
    tie('str').map((a) => `size(${a})`),
    tie('list').map((a) => `size(${a})`),
    fc
      .tuple(tie('int'), fc.constantFrom('+', '-', '*', '/', '%'), tie('int'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('str').map((a) => `int(${a})`),
  ),
  list: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('request.tags', 'key.tags', '["a", "b"]', '[]'),
    fc.tuple(tie('list'), tie('str')).map(([a, b]) => `${a}.filter(t, t == ${b})`),
    fc.tuple(tie('list'), tie('str')).map(([a, b]) => `${a}.map(t, t + ${b})`),
    fc.tuple(tie('list'), tie('list')).map(([a, b]) => `${a} + ${b}`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'request.stream',
      'request.tools',
      'request.json',
      'true',
      'false',
      'has(request.metadata.env)',
      '"env" in request.metadata',
      '"__proto__" in headers',
    ),
    fc
      .tuple(tie('str'), fc.constantFrom('==', '!=', '<', '>='), tie('str'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(tie('int'), fc.constantFrom('==', '<', '>', '<='), tie('int'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc
      .tuple(tie('str'), fc.constantFrom('startsWith', 'endsWith', 'contains'), tie('str'))
      .map(([a, m, b]) => `${a}.${m}(${b})`),
    fc
      .tuple(
        tie('str'),
        fc.constantFrom('"^gpt"', '"(a+)+$"', '"[", "(?i)x"', '".*.*.*=.*"', '"\\\\"'),
      )
      .map(([a, re]) => `${a}.matches(${re})`),
    fc.tuple(tie('str'), tie('list')).map(([a, b]) => `${a} in ${b}`),
    fc
      .tuple(tie('list'), fc.constantFrom('exists', 'all', 'exists_one'), tie('str'))
      .map(([a, m, b]) => `${a}.${m}(t, t == ${b})`),
    fc
      .tuple(tie('bool'), fc.constantFrom('&&', '||'), tie('bool'))
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('bool').map((a) => `!${a}`),
    fc.tuple(tie('bool'), tie('bool'), tie('bool')).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
  ),
})).bool;
const tokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...identifiers,
        ...literals,
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '.',
        ',',
        ':',
        '?',
        '!',
        '&&',
        '||',
        '==',
        '"',
        "'",
        '\\',
        ' ',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));
const anyExpression = fc.oneof(typed, typed, expression, tokenSoup, fc.string({ maxLength: 40 }));

const text = fc.oneof(
  fc.constantFrom('', '__proto__', 'constructor', 'gpt-4o', 'prod', 'x'.repeat(2000)),
  fc.string({ maxLength: 10 }),
);
const stringMap = fc.dictionary(
  fc.oneof(
    fc.constantFrom('env', '__proto__', 'constructor', 'authorization', 'User-Agent'),
    fc.string({ maxLength: 6 }),
  ),
  text,
  { maxKeys: 5 },
);
const factsInput: fc.Arbitrary<RuleFactsInput> = fc.record({
  request: fc.record({
    model: text,
    operation: text,
    dialect: text,
    stream: fc.boolean(),
    tools: fc.boolean(),
    json: fc.boolean(),
    images: fc.boolean(),
    audio: fc.boolean(),
    files: fc.boolean(),
    reasoning: fc.boolean(),
    inputTokens: fc.oneof(
      fc.nat(),
      fc.constantFrom(Number.NaN, -1, 1e300, Number.MAX_SAFE_INTEGER),
    ),
    maxTokens: fc.oneof(fc.nat(), fc.constantFrom(Number.NaN, Infinity)),
    user: text,
    metadata: stringMap,
    region: text,
    tags: fc.array(text, { maxLength: 80 }),
  }),
  headers: stringMap,
  key: fc.record({ id: text, name: text, team: text, tags: fc.array(text, { maxLength: 5 }) }),
});

/** Wall-clock bound for one compile plus one evaluation; generous so that a loaded CI runner does not flake. */
const boundMs = 1000;

function compileAndEvaluate(source: string, facts: RuleFactsInput): void {
  const started = performance.now();
  const compiled = compileRuleExpression(source);
  if (!compiled.ok) {
    expect(typeof compiled.message).toBe('string');
    expect(compiled.message.length).toBeGreaterThan(0);
    expect(compiled.message).not.toContain('\n');
  } else {
    const context = toCelContext(facts);
    const outcome = compiled.evaluate(context);
    expect(typeof outcome.matched).toBe('boolean');
    if (outcome.error !== undefined) {
      expect(outcome.matched).toBe(false);
      expect(typeof outcome.error).toBe('string');
    }
    // Deterministic: the same facts give the same decision.
    expect(compiled.evaluate(context)).toEqual(outcome);
  }
  expect(performance.now() - started).toBeLessThan(boundMs);
  expectPrototypesUntouched();
}

describe('compileRuleExpression (properties)', () => {
  it.each(corpus)('corpus %s: a decision or a clean refusal', (source) => {
    fc.assert(
      fc.property(factsInput, (facts) => compileAndEvaluate(source, facts)),
      fuzzParameters(5),
    );
  });

  it('never throws, and an accepted expression decides or reports an error, in bounded time', () => {
    fc.assert(fc.property(anyExpression, factsInput, compileAndEvaluate), fuzzParameters(500));
  });

  it('accepts a fair share of generated expressions (so the property reaches evaluation)', () => {
    const sample = fc.sample(typed, { seed: 1, numRuns: 300 });
    const accepted = sample.filter((source) => compileRuleExpression(source).ok).length;
    expect(accepted).toBeGreaterThan(90);
  });

  it('refuses over-long text before parsing', () => {
    const long = `${'true && '.repeat(ruleExpressionLimits.maxTextLength)}true`;
    const compiled = compileRuleExpression(long);
    expect(compiled.ok).toBe(false);
  });
});
