import { describe, expect, it } from 'vitest';
import type { DeploymentTargetConfig, RuleConfig } from '../config/gateway-config.ts';
import { defaultFallbackClasses } from './error-class.ts';
import { defaultRetryPolicy } from './health/backoff-delay.ts';
import { ModelCatalog } from './model-catalog.ts';
import {
  testDeployment,
  testGatewayConfig,
  testGroup,
  testNested,
  testProvider,
} from './routing-config.fixture.ts';

import { buildRuleFacts } from './rules/build-rule-facts.ts';
import { toCelContext } from './rules/to-cel-context.ts';

const provider = testProvider;

function target(
  providerId: string,
  model: string,
  fields: Partial<DeploymentTargetConfig> = {},
): DeploymentTargetConfig {
  return testDeployment(`${providerId}/${model}`, providerId, model, fields);
}

const nested = testNested;

const group = testGroup;

const gatewayConfig = testGatewayConfig;

const noTimeouts = { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined };

const openai = provider('openai', {
  models: ['gpt-4o-mini', 'gpt-4o'],
  modelFacts: [
    {
      'gpt-4o-mini': {
        contextWindow: 128_000,
        maxOutputTokens: 16_384,
        price: { input: 0.15, output: 0.6 },
        vision: true,
        tools: true,
        jsonSchema: true,
      },
      'gpt-4o': { contextWindow: 128_000, price: { input: 2.5, output: 10 } },
    },
    // A later layer wins field by field.
    { 'gpt-4o': { vision: false } },
  ],
});
const local = provider('local', {
  allowAnyModel: true,
  settings: { region: 'eu-west-1' },
  modelFacts: [{ llama: { contextWindow: 8192 } }],
});
const anthropic = provider('anthropic', {
  modelFacts: [
    { 'claude-sonnet-4-5': { contextWindow: 200_000, price: { input: 3, output: 15 } } },
  ],
});

const slowRule: RuleConfig = {
  name: 'long',
  when: 'request.input_tokens > 1000',
  routeTo: 'smart',
  requireTags: ['zdr'],
  regions: ['eu-west-1'],
  exclude: ['openai/gpt-4o-mini'],
  reasoning: undefined,
};

const config = gatewayConfig(
  [openai, local, anthropic],
  [
    group(
      'fast',
      [
        target('openai', 'gpt-4o-mini'),
        target('local', 'llama', {
          id: 'local-llama',
          region: 'us-east-1',
          tags: ['zdr'],
          weight: 3,
          priority: 2,
          rpm: 100,
          tpm: 10_000,
          timeouts: { firstTokenMs: 500, idleMs: 1000, totalMs: 60_000 },
        }),
      ],
      {
        strategy: 'weighted',
        rules: [slowRule],
        canary: { target: 'local-llama', percent: 5, sticky: 'user' },
        fallbacks: ['smart'],
        fallbackOn: ['rate-limited', 'content-policy'],
        retries: { ...defaultRetryPolicy, maxRetries: 3 },
      },
    ),
    group('smart', [target('anthropic', 'claude-sonnet-4-5-20250929'), target('openai', 'gpt-4o')]),
    group('any', [nested('fast', { weight: 2, priority: 1 }), nested('smart', { weight: 5 })]),
    group('top', [nested('any')]),
    group('partly-known', [nested('fast'), target('local', 'mystery')]),
    group('wrapper', [nested('partly-known')]),
  ],
);

const catalog = new ModelCatalog(config);

function mustGroup(name: string) {
  const found = catalog.group(name);
  if (found === undefined) {
    throw new Error(`no group ${name}`);
  }
  return found;
}

describe('ModelCatalog.group: aliases', () => {
  it('builds a group from its configuration', () => {
    const fast = mustGroup('fast');
    expect(fast.alias).toBe('fast');
    expect(fast.direct).toBe(false);
    expect(fast.strategy.name).toBe('weighted');
    expect(fast.canary).toEqual({ target: 'local-llama', percent: 5, sticky: 'user' });
    expect(fast.fallbacks).toEqual(['smart']);
    expect(fast.fallbackOn).toEqual(new Set(['rate-limited', 'content-policy']));
    expect(fast.retries.maxRetries).toBe(3);
    expect(fast.sequence).toBe(0);
    expect(fast.members.map((member) => [member.deployment.id, member.nestedAlias])).toEqual([
      ['openai/gpt-4o-mini', undefined],
      ['local-llama', undefined],
    ]);
  });

  it('returns the same group object on every lookup, so its sequence persists', () => {
    expect(catalog.group('fast')).toBe(catalog.group('fast'));
  });

  it('puts the target settings and the model facts on each deployment', () => {
    const [mini, llama] = mustGroup('fast').members.map((member) => member.deployment);
    expect(mini).toEqual({
      id: 'openai/gpt-4o-mini',
      providerId: 'openai',
      upstreamModel: 'gpt-4o-mini',
      region: undefined,
      tags: [],
      weight: 1,
      priority: 0,
      rpm: undefined,
      tpm: undefined,
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      price: { input: 0.15, output: 0.6 },
      vision: true,
      tools: true,
      jsonSchema: true,
      timeouts: noTimeouts,
    });
    expect(llama).toEqual({
      id: 'local-llama',
      providerId: 'local',
      upstreamModel: 'llama',
      // The target's region wins over the provider's.
      region: 'us-east-1',
      tags: ['zdr'],
      weight: 3,
      priority: 2,
      rpm: 100,
      tpm: 10_000,
      contextWindow: 8192,
      maxOutputTokens: undefined,
      price: undefined,
      vision: undefined,
      tools: undefined,
      jsonSchema: undefined,
      timeouts: { firstTokenMs: 500, idleMs: 1000, totalMs: 60_000 },
    });
  });

  it.each([
    // A dated name finds the undated entry of the facts table.
    {
      name: 'claude-sonnet-4-5-20250929',
      window: 200_000,
      price: { input: 3, output: 15 },
      vision: undefined,
    },
    // Layers merge: the second sets vision, the first the rest.
    { name: 'gpt-4o', window: 128_000, price: { input: 2.5, output: 10 }, vision: false },
  ])('resolves the model facts of $name', ({ name, window, price, vision }) => {
    const deployment = mustGroup('smart').members.find(
      (member) => member.deployment.upstreamModel === name,
    )?.deployment;
    expect(deployment?.contextWindow).toBe(window);
    expect(deployment?.price).toEqual(price);
    expect(deployment?.vision).toBe(vision);
  });

  it('takes the region of the provider when the target names none', () => {
    const mystery = mustGroup('partly-known').members[1]?.deployment;
    expect(mystery?.id).toBe('local/mystery');
    expect(mystery?.region).toBe('eu-west-1');
  });

  it('compiles rules into evaluators with their narrowing', () => {
    const [rule] = mustGroup('fast').rules;
    expect(rule?.name).toBe('long');
    expect(rule?.routeTo).toBe('smart');
    expect(rule?.requireTags).toEqual(['zdr']);
    expect(rule?.regions).toEqual(['eu-west-1']);
    expect(rule?.exclude).toEqual(new Set(['openai/gpt-4o-mini']));
    const facts = (inputTokens: number) =>
      toCelContext(
        buildRuleFacts({
          envelope: { model: 'fast', operation: 'chat', dialect: 'openai-chat', stream: false },
          estimatedInputTokens: inputTokens,
          requestedRegion: undefined,
          requestedTags: [],
          headers: {},
          key: { id: 'key-1', name: 'k', team: undefined, tags: [] },
        }),
      );
    expect(rule?.evaluate(facts(5000))).toEqual({ matched: true });
    expect(rule?.evaluate(facts(10))).toEqual({ matched: false });
  });

  it('refuses a group whose rule does not compile, or that names an unknown provider', () => {
    expect(
      () =>
        new ModelCatalog(
          gatewayConfig(
            [openai],
            [
              group('broken', [target('openai', 'gpt-4o')], {
                rules: [{ ...slowRule, when: 'request.nope' }],
              }),
            ],
          ),
        ),
    ).toThrow(/model group broken, rule long/);
    expect(
      () => new ModelCatalog(gatewayConfig([openai], [group('lost', [target('groq', 'llama')])])),
    ).toThrow(/model group lost refers to unknown provider groq/);
  });

  it('lets an alias win over the direct name it shadows', () => {
    const shadowing = new ModelCatalog(
      gatewayConfig([openai], [group('openai/gpt-4o', [target('openai', 'gpt-4o-mini')])]),
    );
    const found = shadowing.group('openai/gpt-4o');
    expect(found?.direct).toBe(false);
    expect(found?.members[0]?.deployment.upstreamModel).toBe('gpt-4o-mini');
  });
});

describe('ModelCatalog.group: direct <provider>/<model> names', () => {
  it('serves a listed model of a provider as a direct group of one deployment', () => {
    const direct = mustGroup('openai/gpt-4o');
    expect(direct.alias).toBe('openai/gpt-4o');
    expect(direct.direct).toBe(true);
    expect(direct.strategy.name).toBe('priority');
    expect(direct.rules).toEqual([]);
    expect(direct.canary).toBeUndefined();
    expect(direct.fallbacks).toEqual([]);
    expect(direct.fallbackOn).toEqual(new Set(defaultFallbackClasses));
    expect(direct.retries).toEqual(defaultRetryPolicy);
    expect(direct.members).toHaveLength(1);
    expect(direct.members[0]?.nestedAlias).toBeUndefined();
    expect(direct.members[0]?.deployment).toMatchObject({
      id: 'openai/gpt-4o',
      providerId: 'openai',
      upstreamModel: 'gpt-4o',
      contextWindow: 128_000,
      price: { input: 2.5, output: 10 },
      vision: false,
      weight: 1,
      priority: 0,
      tags: [],
      timeouts: noTimeouts,
    });
    expect(catalog.healthKey(direct.members[0]!.deployment)).toBe('openai/gpt-4o');
  });

  it('takes the routing defaults for direct groups', () => {
    const retries = { ...defaultRetryPolicy, maxRetries: 0 };
    const custom = new ModelCatalog(
      gatewayConfig([openai], [], { retries, fallbackOn: ['timeout'] }),
    );
    const direct = custom.group('openai/gpt-4o-mini');
    expect(direct?.retries).toBe(retries);
    expect(direct?.fallbackOn).toEqual(new Set(['timeout']));
  });

  it.each([
    { name: 'local/qwen/qwen3-8b', upstreamModel: 'qwen/qwen3-8b', window: undefined },
    { name: 'local/made-up', upstreamModel: 'made-up', window: undefined },
    // A name that is also a group target's model is still a made-up direct name here.
    { name: 'local/llama', upstreamModel: 'llama', window: 8192 },
  ])(
    'serves $name on a provider that allows any model, under the shared health key',
    ({ name, upstreamModel, window }) => {
      const direct = mustGroup(name);
      expect(direct.direct).toBe(true);
      expect(direct.alias).toBe(name);
      const deployment = direct.members[0]!.deployment;
      expect(deployment).toMatchObject({
        id: name,
        providerId: 'local',
        upstreamModel,
        region: 'eu-west-1',
        contextWindow: window,
      });
      expect(catalog.healthKey(deployment)).toBe('local/*');
      expect(catalog.deployments().has(name)).toBe(false);
    },
  );

  it('does not remember made-up names (their memory stays bounded)', () => {
    const before = catalog.deployments().size;
    for (let index = 0; index < 100; index += 1) {
      catalog.group(`local/model-${index}`);
    }
    expect(catalog.deployments().size).toBe(before);
    expect(catalog.list().some((model) => model.id.startsWith('local/'))).toBe(false);
  });

  it.each([
    'openai/gpt-5-secret',
    'anthropic/claude-sonnet-4-5',
    'nope',
    'local/',
    '/llama',
    'groq/llama',
    '',
  ])('does not serve %j', (name) => {
    expect(catalog.group(name)).toBeUndefined();
  });
});

describe('ModelCatalog: nested group stand-ins', () => {
  it.each([
    // fast: gpt-4o-mini (128k, $0.15) and llama (8k, no price).
    { outer: 'any', index: 0, alias: 'fast', weight: 2, priority: 1, window: 128_000, price: 0.15 },
    // smart: claude (200k, $3) and gpt-4o (128k, $2.5).
    { outer: 'any', index: 1, alias: 'smart', weight: 5, priority: 0, window: 200_000, price: 2.5 },
    // Through two levels: every leaf of fast and smart.
    { outer: 'top', index: 0, alias: 'any', weight: 1, priority: 0, window: 200_000, price: 0.15 },
    // mystery has no known window, so the largest window is unknown.
    {
      outer: 'wrapper',
      index: 0,
      alias: 'partly-known',
      weight: 1,
      priority: 0,
      window: undefined,
      price: 0.15,
    },
  ])(
    '$outer stands $alias in with the cheapest price and the largest window',
    ({ outer, index, alias, weight, priority, window, price }) => {
      const member = mustGroup(outer).members[index]!;
      expect(member.nestedAlias).toBe(alias);
      expect(member.deployment).toMatchObject({
        id: `group:${alias}`,
        upstreamModel: alias,
        weight,
        priority,
        contextWindow: window,
        region: undefined,
        tags: [],
      });
      expect(member.deployment.price?.input).toBe(price);
    },
  );

  it('does not store stand-ins as deployments', () => {
    expect([...catalog.deployments().keys()].filter((id) => id.startsWith('group:'))).toEqual([]);
  });

  it('stands in a group without known windows or prices with neither', () => {
    const bare = new ModelCatalog(
      gatewayConfig(
        [local],
        [
          group('inner', [target('local', 'unknown-a'), target('local', 'unknown-b')]),
          group('outer', [nested('inner')]),
        ],
      ),
    );
    const standIn = bare.group('outer')?.members[0]?.deployment;
    expect(standIn?.contextWindow).toBeUndefined();
    expect(standIn?.price).toBeUndefined();
  });

  it('builds stand-ins of a nesting cycle without looping', () => {
    const looped = new ModelCatalog(
      gatewayConfig(
        [openai],
        [
          group('a', [nested('b'), target('openai', 'gpt-4o')]),
          group('b', [nested('a'), target('openai', 'gpt-4o-mini')]),
        ],
      ),
    );
    expect(looped.group('a')?.members[0]?.deployment.contextWindow).toBe(128_000);
  });
});

describe('ModelCatalog: deployments, list and patterns', () => {
  it('stores every configured deployment by id', () => {
    expect([...catalog.deployments().keys()].sort()).toEqual(
      [
        'anthropic/claude-sonnet-4-5-20250929',
        'local-llama',
        'local/mystery',
        'openai/gpt-4o',
        'openai/gpt-4o-mini',
      ].sort(),
    );
    expect(catalog.healthKey(catalog.deployments().get('local-llama')!)).toBe('local-llama');
  });

  it('lists aliases first, then the listed models of each provider, in configuration order', () => {
    expect(catalog.list()).toEqual([
      { id: 'fast', ownedBy: 'signalbox' },
      { id: 'smart', ownedBy: 'signalbox' },
      { id: 'any', ownedBy: 'signalbox' },
      { id: 'top', ownedBy: 'signalbox' },
      { id: 'partly-known', ownedBy: 'signalbox' },
      { id: 'wrapper', ownedBy: 'signalbox' },
      { id: 'openai/gpt-4o-mini', ownedBy: 'openai' },
      { id: 'openai/gpt-4o', ownedBy: 'openai' },
    ]);
  });

  it.each([
    { pattern: '*', matches: true },
    { pattern: 'openai/*', matches: true },
    { pattern: 'local/*', matches: true },
    // The provider serves aliases' deployments but exposes no model of its own.
    { pattern: 'anthropic/*', matches: false },
    { pattern: 'groq/*', matches: false },
    { pattern: 'fast', matches: true },
    { pattern: 'openai/gpt-4o', matches: true },
    { pattern: 'openai/gpt-5', matches: false },
    { pattern: 'local/anything-at-all', matches: true },
    { pattern: 'slow', matches: false },
  ])('matchesAnything($pattern) is $matches', ({ pattern, matches }) => {
    expect(catalog.matchesAnything(pattern)).toBe(matches);
  });
});
