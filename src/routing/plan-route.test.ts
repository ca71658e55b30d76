import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import type {
  CanaryConfig,
  DeploymentTargetConfig,
  ModelGroupConfig,
  ProviderConfig,
  RuleConfig,
} from '../config/gateway-config.ts';
import { createSeededRandom } from '../lib/random.ts';
import { canaryVariant } from './canary-variant.ts';
import type { TraceGroup } from './decision-trace.ts';
import { idleLoad, type DeploymentLoad } from './deployment-load.ts';
import type { DeploymentAvailability } from './health/deployment-health.ts';
import { ModelCatalog } from './model-catalog.ts';
import {
  testDeployment,
  testGatewayConfig,
  testGroup,
  testNested,
  testProvider,
} from './routing-config.fixture.ts';
import {
  planRoute,
  type PlanningEnvironment,
  type PlanningHealth,
  type RoutePlan,
} from './plan-route.ts';
import type { RouteRequestFacts, WindowFit } from './route-request-facts.ts';
import { buildRuleFacts } from './rules/build-rule-facts.ts';
import { toCelContext } from './rules/to-cel-context.ts';

// ---------------------------------------------------------------------------------------------
// Configuration builders

const provider: ProviderConfig = testProvider('p', {
  models: ['listed'],
  modelFacts: [{ see: { vision: true }, blind: { vision: false } }],
});

/** A deployment of provider `p` with id `id` (and, unless given, model `id`). */
function d(id: string, fields: Partial<DeploymentTargetConfig> = {}): DeploymentTargetConfig {
  return testDeployment(id, 'p', id, fields);
}

const nested = testNested;

const g = testGroup;

/** A rule that always matches (`always`) or never does (`never`). */
function rule(name: string, fields: Partial<RuleConfig> & { when?: string } = {}): RuleConfig {
  return {
    name,
    when: 'true',
    routeTo: undefined,
    requireTags: [],
    regions: undefined,
    exclude: [],
    reasoning: undefined,
    ...fields,
  };
}

function catalogOf(...models: ModelGroupConfig[]): ModelCatalog {
  return new ModelCatalog(testGatewayConfig([provider], models));
}

// ---------------------------------------------------------------------------------------------
// Fakes

interface FactsOptions {
  readonly fits?: Readonly<Record<string, WindowFit>>;
  readonly requestedTags?: readonly string[];
  readonly requestedRegion?: string;
  readonly routingText?: string;
  readonly sessionKey?: string;
  readonly images?: boolean;
  readonly keyId?: string;
  readonly keyTags?: readonly string[];
  readonly endUser?: string;
  readonly requestId?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly estimatedInputTokens?: number;
  /** Deployment ids the policy keeps the request away from. */
  readonly policyExcludes?: readonly string[];
}

type FakeFacts = RouteRequestFacts & { readonly ruleContextCalls: () => number };

/** Request facts whose window fit is scripted per deployment id ('fits' unless listed). */
function fakeFacts(options: FactsOptions = {}): FakeFacts {
  let calls = 0;
  const requestedTags = options.requestedTags ?? [];
  const estimatedInputTokens = options.estimatedInputTokens ?? 100;
  return {
    keyId: options.keyId ?? 'key-1',
    endUser: options.endUser,
    requestId: options.requestId ?? 'request-1',
    requestedTags,
    requestedRegion: options.requestedRegion,
    policyAllows: (deployment) => !(options.policyExcludes ?? []).includes(deployment.id),
    images: options.images ?? false,
    estimatedInputTokens,
    estimatedOutputTokens: 50,
    fits: (deployment) => options.fits?.[deployment.id] ?? 'fits',
    routingText: () => options.routingText ?? '',
    routingVector: () => undefined,
    sessionKey: () => options.sessionKey,
    ruleContext: () => {
      calls += 1;
      return toCelContext(
        buildRuleFacts({
          envelope: { model: 'main', operation: 'chat', dialect: 'openai-chat', stream: false },
          estimatedInputTokens,
          requestedRegion: options.requestedRegion,
          requestedTags,
          headers: options.headers ?? {},
          key: {
            id: options.keyId ?? 'key-1',
            name: 'test',
            team: undefined,
            tags: options.keyTags ?? [],
          },
        }),
      );
    },
    ruleContextCalls: () => calls,
  };
}

type FakeHealth = PlanningHealth & {
  readonly loadsAsked: string[];
  readonly times: number[];
};

/** Health scripted per deployment id: available and idle unless listed. */
function fakeHealth(
  availability: Readonly<Record<string, DeploymentAvailability>> = {},
  loads: Readonly<Record<string, Partial<DeploymentLoad>>> = {},
): FakeHealth {
  const loadsAsked: string[] = [];
  const times: number[] = [];
  return {
    loadsAsked,
    times,
    availability: (deployment, nowMs) => {
      times.push(nowMs);
      return availability[deployment.id] ?? { available: true };
    },
    load: (deployment, nowMs) => {
      times.push(nowMs);
      loadsAsked.push(deployment.id);
      return { ...idleLoad, ...loads[deployment.id] };
    },
  };
}

const startMs = 1_000_000;

function environment(health: PlanningHealth = fakeHealth(), seed = 1): PlanningEnvironment {
  return { health, random: createSeededRandom(seed), clock: new ManualClock(startMs) };
}

function plan(
  catalog: ModelCatalog,
  models: readonly string[],
  facts: RouteRequestFacts = fakeFacts(),
  planning: PlanningEnvironment = environment(),
): RoutePlan {
  const groups = models.map((name) => {
    const found = catalog.group(name);
    if (found === undefined) {
      throw new Error(`no group ${name}`);
    }
    return found;
  });
  return planRoute(catalog, groups, models[0] ?? '', facts, planning);
}

function ids(result: RoutePlan): string[] {
  return result.attempts.map((attempt) => attempt.deployment.id);
}

function traceGroup(result: RoutePlan, alias: string): TraceGroup {
  const found = result.trace.groups.find((entry) => entry.alias === alias);
  if (found === undefined) {
    throw new Error(`no trace of ${alias}`);
  }
  return found;
}

/** The `filteredBy` of every candidate of a traced group, by id. */
function filters(result: RoutePlan, alias: string): Record<string, string | undefined> {
  return Object.fromEntries(
    traceGroup(result, alias).candidates.map((candidate) => [candidate.id, candidate.filteredBy]),
  );
}

const cooling = (untilMs: number): DeploymentAvailability => ({
  available: false,
  reason: 'cooling-down',
  untilMs,
});
const open = (untilMs: number): DeploymentAvailability => ({
  available: false,
  reason: 'circuit-open',
  untilMs,
});

// ---------------------------------------------------------------------------------------------

describe('planRoute: strategy order', () => {
  it.each([
    { priorities: [0, 1, 2], expected: ['a', 'b', 'c'] },
    { priorities: [2, 0, 1], expected: ['b', 'c', 'a'] },
    { priorities: [1, 1, 0], expected: ['c', 'a', 'b'] },
    { priorities: [5, 5, 5], expected: ['a', 'b', 'c'] },
  ])('orders priorities $priorities as $expected', ({ priorities, expected }) => {
    const catalog = catalogOf(
      g(
        'main',
        ['a', 'b', 'c'].map((id, index) => d(id, { priority: priorities[index] ?? 0 })),
      ),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(expected);
    expect(result.attempts.every((attempt) => attempt.group === catalog.group('main'))).toBe(true);
    expect(result.trace).toEqual({
      model: 'main',
      reason: 'priority',
      groups: [
        {
          alias: 'main',
          strategy: 'priority',
          via: 'request',
          rules: [],
          variant: undefined,
          candidates: ['a', 'b', 'c'].map((id, index) => ({
            id,
            filteredBy: undefined,
            score: priorities[index],
          })),
          order: expected,
        },
      ],
      planMicros: 0,
      estimatedInputTokens: 100,
    });
    expect(result.unavailableUntilMs).toBeUndefined();
    expect(result.tooLargeForEveryWindow).toBe(false);
  });

  it("passes each deployment's load to the strategy, read at the clock's monotonic time", () => {
    const catalog = catalogOf(g('main', [d('a'), d('b'), d('c')], { strategy: 'least-busy' }));
    const health = fakeHealth({}, { a: { inFlight: 7 }, b: { inFlight: 2 }, c: { inFlight: 4 } });
    const result = plan(catalog, ['main'], fakeFacts(), environment(health));
    expect(ids(result)).toEqual(['b', 'c', 'a']);
    expect(traceGroup(result, 'main').candidates.map((candidate) => candidate.score)).toEqual([
      7, 2, 4,
    ]);
    expect(result.trace.reason).toBe('least-busy');
    expect(new Set(health.times)).toEqual(new Set([startMs]));
  });

  it('rotates a round-robin group by its sequence, one step per plan', () => {
    const catalog = catalogOf(g('main', [d('a'), d('b'), d('c')], { strategy: 'round-robin' }));
    const firsts = Array.from({ length: 7 }, () => ids(plan(catalog, ['main']))[0]);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(catalog.group('main')?.sequence).toBe(7);
  });

  it('increments the sequence of every group it plans, once per plan', () => {
    const catalog = catalogOf(
      g('main', [d('a')], { fallbacks: ['backup', 'backup'] }),
      g('backup', [d('b')], { fallbacks: ['main'] }),
      g('idle', [d('c')]),
    );
    plan(catalog, ['main', 'backup']);
    plan(catalog, ['main']);
    expect(catalog.group('main')?.sequence).toBe(2);
    expect(catalog.group('backup')?.sequence).toBe(2);
    expect(catalog.group('idle')?.sequence).toBe(0);
  });

  it('draws weighted orders from the injected random, reproducibly', () => {
    const catalog = () =>
      catalogOf(
        g('main', [d('a', { weight: 1 }), d('b', { weight: 1 }), d('c', { weight: 1 })], {
          strategy: 'weighted',
        }),
      );
    const run = (seed: number) => {
      const fresh = catalog();
      const shared = environment(fakeHealth(), seed);
      return Array.from({ length: 20 }, () =>
        ids(plan(fresh, ['main'], fakeFacts(), shared)).join(''),
      );
    };
    expect(run(42)).toEqual(run(42));
    expect(new Set(run(42).map((order) => order[0])).size).toBeGreaterThan(1);
  });
});

describe('planRoute: rules', () => {
  const members = [d('a', { priority: 0 }), d('b', { priority: 1 }), d('c', { priority: 2 })];

  it.each([
    {
      name: 'a matched route_to puts its deployment first, the others after',
      rules: [rule('vip', { when: '"vip" in key.tags', routeTo: 'c' })],
      keyTags: ['vip'],
      expected: ['c', 'a', 'b'],
      reason: 'rule:vip',
      traced: [{ name: 'vip', matched: true }],
    },
    {
      name: 'an unmatched rule changes nothing',
      rules: [rule('vip', { when: '"vip" in key.tags', routeTo: 'c' })],
      keyTags: [],
      expected: ['a', 'b', 'c'],
      reason: 'priority',
      traced: [{ name: 'vip', matched: false }],
    },
    {
      name: 'the first matched route_to wins',
      rules: [
        rule('skipped', { when: 'false', routeTo: 'a' }),
        rule('first', { routeTo: 'b' }),
        rule('second', { routeTo: 'c' }),
      ],
      keyTags: [],
      expected: ['b', 'a', 'c'],
      reason: 'rule:first',
      traced: [
        { name: 'skipped', matched: false },
        { name: 'first', matched: true },
        { name: 'second', matched: true },
      ],
    },
    {
      name: 'a rule that only narrows leaves the strategy as the reason',
      rules: [rule('no-a', { exclude: ['a'] })],
      keyTags: [],
      expected: ['b', 'c'],
      reason: 'priority',
      traced: [{ name: 'no-a', matched: true }],
    },
  ])('$name', ({ rules, keyTags, expected, reason, traced }) => {
    const catalog = catalogOf(g('main', members, { rules }));
    const result = plan(catalog, ['main'], fakeFacts({ keyTags }));
    expect(ids(result)).toEqual(expected);
    expect(result.trace.reason).toBe(reason);
    expect(traceGroup(result, 'main').rules).toEqual(traced);
    expect(traceGroup(result, 'main').order).toEqual(expected);
  });

  it('records a rule that failed to evaluate as not matched, with the error', () => {
    const catalog = catalogOf(
      g('main', members, {
        rules: [rule('tier', { when: 'headers["x-tier"] == "gold"', routeTo: 'c' })],
      }),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['a', 'b', 'c']);
    const [traced] = traceGroup(result, 'main').rules;
    expect(traced?.name).toBe('tier');
    expect(traced?.matched).toBe(false);
    expect(traced?.error).toEqual(expect.any(String));
    expect(traced?.error).not.toBe('');
    // The same rule matches when the header is there.
    const matched = plan(catalog, ['main'], fakeFacts({ headers: { 'x-tier': 'gold' } }));
    expect(ids(matched)).toEqual(['c', 'a', 'b']);
  });

  it('builds the rule context only for groups with rules', () => {
    const withoutRules = fakeFacts();
    plan(catalogOf(g('main', members)), ['main'], withoutRules);
    expect(withoutRules.ruleContextCalls()).toBe(0);
    const withRules = fakeFacts();
    plan(
      catalogOf(g('main', members, { rules: [rule('r', { exclude: ['a'] })] })),
      ['main'],
      withRules,
    );
    expect(withRules.ruleContextCalls()).toBeGreaterThan(0);
  });

  it('does not put a route_to deployment first when it is not eligible', () => {
    const catalog = catalogOf(
      g('main', members, { rules: [rule('vip', { routeTo: 'c', exclude: ['c'] })] }),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['a', 'b']);
    expect(filters(result, 'main')).toEqual({ a: undefined, b: undefined, c: 'rule-exclude' });
    // The rule still names the reason: it decided the route.
    expect(result.trace.reason).toBe('rule:vip');
  });

  it('plans a route_to group first, then the group itself', () => {
    const catalog = catalogOf(
      g('main', members, { rules: [rule('big', { routeTo: 'premium' })] }),
      g('premium', [d('p1'), d('p2')]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['p1', 'p2', 'a', 'b', 'c']);
    expect(result.trace.groups.map((entry) => [entry.alias, entry.via])).toEqual([
      ['main', 'request'],
      ['premium', 'rule'],
    ]);
    expect(result.trace.reason).toBe('rule:big');
    expect(result.attempts.map((attempt) => attempt.group.alias)).toEqual([
      'premium',
      'premium',
      'main',
      'main',
      'main',
    ]);
  });

  it('passes the narrowing of a route_to rule into the group it routes to', () => {
    const catalog = catalogOf(
      g('main', [d('a', { tags: ['zdr'] }), d('b')], {
        rules: [rule('safe', { routeTo: 'premium', requireTags: ['zdr'] })],
      }),
      g('premium', [d('p1'), d('p2', { tags: ['zdr', 'eu'] })]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['p2', 'a']);
    expect(filters(result, 'premium')).toEqual({ p1: 'rule-require-tags', p2: undefined });
    expect(filters(result, 'main')).toEqual({ a: undefined, b: 'rule-require-tags' });
  });

  it.each([
    {
      name: 'require_tags keeps deployments carrying every tag',
      rules: [rule('r', { requireTags: ['zdr', 'hipaa'] })],
      expected: ['both'],
      filtered: {
        both: undefined,
        zdr: 'rule-require-tags',
        eu: 'rule-require-tags',
        none: 'rule-require-tags',
      },
    },
    {
      name: 'regions keeps deployments in a listed region (an unknown region is not one)',
      rules: [rule('r', { regions: ['eu-west-1', 'us-east-1'] })],
      expected: ['zdr', 'eu'],
      filtered: { both: 'rule-regions', zdr: undefined, eu: undefined, none: 'rule-regions' },
    },
    {
      name: 'regions of two matched rules intersect',
      rules: [
        rule('r1', { regions: ['eu-west-1', 'us-east-1'] }),
        rule('r2', { regions: ['eu-west-1', 'ap-south-1'] }),
      ],
      expected: ['eu'],
      filtered: { both: 'rule-regions', zdr: 'rule-regions', eu: undefined, none: 'rule-regions' },
    },
    {
      name: 'tags of two matched rules add up',
      rules: [rule('r1', { requireTags: ['zdr'] }), rule('r2', { requireTags: ['hipaa'] })],
      expected: ['both'],
      filtered: {
        both: undefined,
        zdr: 'rule-require-tags',
        eu: 'rule-require-tags',
        none: 'rule-require-tags',
      },
    },
    {
      name: 'exclude leaves the named deployments out',
      rules: [rule('r1', { exclude: ['both'] }), rule('r2', { exclude: ['none'] })],
      expected: ['zdr', 'eu'],
      filtered: { both: 'rule-exclude', zdr: undefined, eu: undefined, none: 'rule-exclude' },
    },
    {
      name: 'an unmatched rule does not narrow',
      rules: [
        rule('r', { when: 'false', requireTags: ['zdr'], regions: ['x'], exclude: ['both'] }),
      ],
      expected: ['both', 'zdr', 'eu', 'none'],
      filtered: { both: undefined, zdr: undefined, eu: undefined, none: undefined },
    },
  ])('$name', ({ rules, expected, filtered }) => {
    const catalog = catalogOf(
      g(
        'main',
        [
          d('both', { tags: ['zdr', 'hipaa'], region: 'ap-south-1' }),
          d('zdr', { tags: ['zdr'], region: 'us-east-1' }),
          d('eu', { region: 'eu-west-1' }),
          d('none'),
        ],
        { rules },
      ),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(expected);
    expect(filters(result, 'main')).toEqual(filtered);
  });

  it('propagates require_tags, regions and exclude into nested groups', () => {
    const catalog = catalogOf(
      g('main', [nested('inner'), d('plain', { region: 'eu-west-1' })], {
        rules: [
          rule('safe', { requireTags: ['zdr'], regions: ['eu-west-1'], exclude: ['inner-x'] }),
        ],
      }),
      g('inner', [
        d('inner-ok', { tags: ['zdr'], region: 'eu-west-1' }),
        d('inner-untagged', { region: 'eu-west-1' }),
        d('inner-us', { tags: ['zdr'], region: 'us-east-1' }),
        d('inner-x', { tags: ['zdr'], region: 'eu-west-1' }),
      ]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['inner-ok']);
    // The stand-in itself is not filtered by tags or regions; its members are.
    expect(filters(result, 'main')).toEqual({
      'group:inner': undefined,
      plain: 'rule-require-tags',
    });
    expect(filters(result, 'inner')).toEqual({
      'inner-ok': undefined,
      'inner-untagged': 'rule-require-tags',
      'inner-us': 'rule-regions',
      'inner-x': 'rule-exclude',
    });
    expect(traceGroup(result, 'inner').via).toBe('nested');
    expect(result.attempts[0]?.group.alias).toBe('inner');
  });

  it('propagates narrowing through two levels of nesting', () => {
    const catalog = catalogOf(
      g('main', [nested('middle')], { rules: [rule('safe', { requireTags: ['zdr'] })] }),
      g('middle', [nested('inner')]),
      g('inner', [d('x'), d('y', { tags: ['zdr'] })]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['y']);
    expect(filters(result, 'inner')).toEqual({ x: 'rule-require-tags', y: undefined });
  });

  it('can exclude a nested group by its stand-in id', () => {
    const catalog = catalogOf(
      g('main', [nested('inner'), d('a')], { rules: [rule('r', { exclude: ['group:inner'] })] }),
      g('inner', [d('x')]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['a']);
    expect(filters(result, 'main')).toEqual({ 'group:inner': 'rule-exclude', a: undefined });
    expect(result.trace.groups.map((entry) => entry.alias)).toEqual(['main']);
  });

  it("carries a group's rule narrowing into its fallback groups (a zdr rule binds every model)", () => {
    const catalog = catalogOf(
      g('main', [d('a')], { rules: [rule('r', { requireTags: ['zdr'] })], fallbacks: ['backup'] }),
      g('backup', [d('b'), d('c', { tags: ['zdr'] })]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['c']);
    expect(filters(result, 'backup')).toEqual({ b: 'rule-require-tags', c: undefined });
  });
});

describe('planRoute: request filters', () => {
  const catalog = () =>
    catalogOf(
      g('main', [
        d('zdr-eu', { tags: ['zdr', 'eu'], region: 'eu-west-1', model: 'see' }),
        d('zdr-us', { tags: ['zdr'], region: 'us-east-1', model: 'blind' }),
        d('plain', { model: 'other' }),
      ]),
    );

  it.each([
    {
      name: 'no requirements keep everything',
      facts: {},
      expected: ['zdr-eu', 'zdr-us', 'plain'],
      filtered: { 'zdr-eu': undefined, 'zdr-us': undefined, plain: undefined },
    },
    {
      name: 'requested tags keep deployments carrying every one',
      facts: { requestedTags: ['zdr'] },
      expected: ['zdr-eu', 'zdr-us'],
      filtered: { 'zdr-eu': undefined, 'zdr-us': undefined, plain: 'requested-tags' },
    },
    {
      name: 'two requested tags',
      facts: { requestedTags: ['zdr', 'eu'] },
      expected: ['zdr-eu'],
      filtered: { 'zdr-eu': undefined, 'zdr-us': 'requested-tags', plain: 'requested-tags' },
    },
    {
      name: 'a requested region keeps deployments in it (unknown regions are not)',
      facts: { requestedRegion: 'us-east-1' },
      expected: ['zdr-us'],
      filtered: { 'zdr-eu': 'requested-region', 'zdr-us': undefined, plain: 'requested-region' },
    },
    {
      name: 'images leave out deployments known not to take them (unknown stays)',
      facts: { images: true },
      expected: ['zdr-eu', 'plain'],
      filtered: { 'zdr-eu': undefined, 'zdr-us': 'vision', plain: undefined },
    },
    {
      name: 'the policy decision keeps the request away from some deployments',
      facts: { policyExcludes: ['zdr-us', 'plain'] },
      expected: ['zdr-eu'],
      filtered: { 'zdr-eu': undefined, 'zdr-us': 'policy', plain: 'policy' },
    },
    {
      name: 'nothing matches',
      facts: { requestedTags: ['hipaa'] },
      expected: [],
      filtered: { 'zdr-eu': 'requested-tags', 'zdr-us': 'requested-tags', plain: 'requested-tags' },
    },
  ])('$name', ({ facts, expected, filtered }) => {
    const result = plan(catalog(), ['main'], fakeFacts(facts));
    expect(ids(result)).toEqual(expected);
    expect(filters(result, 'main')).toEqual(filtered);
    if (expected.length === 0) {
      expect(result.unavailableUntilMs).toBeUndefined();
      expect(result.tooLargeForEveryWindow).toBe(false);
    }
  });

  it('applies the policy decision in fallback and nested groups too', () => {
    const result = plan(
      catalogOf(
        g('main', [d('a'), nested('inner')], { fallbacks: ['backup'] }),
        g('inner', [d('i1'), d('i2')]),
        g('backup', [d('b1'), d('b2')]),
      ),
      ['main'],
      fakeFacts({ policyExcludes: ['a', 'i2', 'b1'] }),
    );
    expect(ids(result)).toEqual(['i1', 'b2']);
  });

  it('applies requested tags in fallback and nested groups too', () => {
    const result = plan(
      catalogOf(
        g('main', [d('a'), nested('inner')], { fallbacks: ['backup'] }),
        g('inner', [d('i1', { tags: ['zdr'] }), d('i2')]),
        g('backup', [d('b1'), d('b2', { tags: ['zdr'] })]),
      ),
      ['main'],
      fakeFacts({ requestedTags: ['zdr'] }),
    );
    expect(ids(result)).toEqual(['i1', 'b2']);
  });
});

describe('planRoute: context windows', () => {
  const catalog = () =>
    catalogOf(
      g('main', [d('a', { priority: 0 }), d('b', { priority: 1 }), d('c', { priority: 2 })]),
    );

  it.each([
    { fits: {}, expected: ['a', 'b', 'c'] },
    { fits: { a: 'too-large' }, expected: ['b', 'c'] },
    { fits: { a: 'unknown' }, expected: ['b', 'c', 'a'] },
    { fits: { a: 'unknown', b: 'unknown' }, expected: ['c', 'a', 'b'] },
    { fits: { a: 'unknown', b: 'too-large' }, expected: ['c', 'a'] },
    { fits: { a: 'unknown', b: 'unknown', c: 'unknown' }, expected: ['a', 'b', 'c'] },
  ] satisfies { fits: Record<string, WindowFit>; expected: string[] }[])(
    'with fits $fits plans $expected',
    ({ fits, expected }) => {
      const result = plan(catalog(), ['main'], fakeFacts({ fits }));
      expect(ids(result)).toEqual(expected);
      expect(traceGroup(result, 'main').order).toEqual(expected);
      for (const [id, fit] of Object.entries(fits)) {
        expect(filters(result, 'main')[id]).toBe(
          fit === 'too-large' ? 'context-window' : undefined,
        );
      }
      expect(result.tooLargeForEveryWindow).toBe(false);
    },
  );

  it('says so when the request is too large for every window', () => {
    const result = plan(
      catalog(),
      ['main'],
      fakeFacts({ fits: { a: 'too-large', b: 'too-large', c: 'too-large' } }),
    );
    expect(result.attempts).toEqual([]);
    expect(result.tooLargeForEveryWindow).toBe(true);
    expect(result.unavailableUntilMs).toBeUndefined();
    expect(filters(result, 'main')).toEqual({
      a: 'context-window',
      b: 'context-window',
      c: 'context-window',
    });
  });

  it('counts a window only for deployments that passed the filters before it', () => {
    const result = plan(
      catalog(),
      ['main'],
      fakeFacts({ fits: { a: 'too-large' }, requestedTags: ['zdr'] }),
    );
    expect(result.attempts).toEqual([]);
    expect(filters(result, 'main')).toEqual({
      a: 'requested-tags',
      b: 'requested-tags',
      c: 'requested-tags',
    });
    expect(result.tooLargeForEveryWindow).toBe(false);
  });

  it('skips a nested group whose largest window is too small', () => {
    const result = plan(
      catalogOf(g('main', [nested('inner'), d('a')]), g('inner', [d('x')])),
      ['main'],
      fakeFacts({ fits: { 'group:inner': 'too-large' } }),
    );
    expect(ids(result)).toEqual(['a']);
    expect(filters(result, 'main')).toEqual({ 'group:inner': 'context-window', a: undefined });
  });

  it('puts a route_to deployment first even when its window is unknown', () => {
    const result = plan(
      catalogOf(g('main', [d('a'), d('b')], { rules: [rule('r', { routeTo: 'b' })] })),
      ['main'],
      fakeFacts({ fits: { b: 'unknown' } }),
    );
    expect(ids(result)).toEqual(['b', 'a']);
  });
});

describe('planRoute: health', () => {
  const catalog = () => catalogOf(g('main', [d('a'), d('b'), d('c')]));

  it.each([
    {
      name: 'an open circuit is left out, a cooldown goes last',
      health: { a: open(startMs + 5000), b: cooling(startMs + 3000) },
      expected: ['c', 'b'],
      until: undefined,
    },
    {
      name: 'all open: the earliest time any may be probed again',
      health: { a: open(startMs + 5000), b: open(startMs + 3000), c: open(startMs + 4000) },
      expected: [],
      until: startMs + 3000,
    },
    {
      name: 'all cooling down: still tried, in strategy order (a cooldown never locks a model out)',
      health: { a: cooling(startMs + 900), b: cooling(startMs + 100), c: cooling(startMs + 500) },
      expected: ['a', 'b', 'c'],
      until: undefined,
    },
  ])('$name', ({ health, expected, until }) => {
    const result = plan(catalog(), ['main'], fakeFacts(), environment(fakeHealth(health)));
    expect(ids(result)).toEqual(expected);
    expect(result.unavailableUntilMs).toBe(until);
    expect(result.tooLargeForEveryWindow).toBe(false);
    const traced = filters(result, 'main');
    const demoted = Object.fromEntries(
      (result.trace.groups.find((group) => group.alias === 'main')?.candidates ?? []).map(
        (candidate) => [candidate.id, candidate.demotedBy],
      ),
    );
    for (const [id, availability] of Object.entries(health)) {
      if (availability.available) {
        continue;
      }
      if (availability.reason === 'circuit-open') {
        expect(traced[id]).toBe('circuit-open');
      } else {
        expect(traced[id]).toBeUndefined();
        expect(demoted[id]).toBe('cooling-down');
      }
    }
  });

  it('takes the earliest time across fallback groups', () => {
    const result = plan(
      catalogOf(g('main', [d('a')], { fallbacks: ['backup'] }), g('backup', [d('b')])),
      ['main'],
      fakeFacts(),
      environment(fakeHealth({ a: open(startMs + 7000), b: open(startMs + 2000) })),
    );
    expect(result.attempts).toEqual([]);
    expect(result.unavailableUntilMs).toBe(startMs + 2000);
  });

  it('reports both a window and a wait when both emptied the plan', () => {
    const result = plan(
      catalogOf(g('main', [d('a'), d('b')])),
      ['main'],
      fakeFacts({ fits: { a: 'too-large' } }),
      environment(fakeHealth({ b: open(startMs + 1000) })),
    );
    expect(result.attempts).toEqual([]);
    expect(result.tooLargeForEveryWindow).toBe(true);
    expect(result.unavailableUntilMs).toBe(startMs + 1000);
  });

  it('asks health about real deployments only, never about nested stand-ins', () => {
    const health = fakeHealth();
    plan(
      catalogOf(g('main', [nested('inner'), d('a')]), g('inner', [d('x')])),
      ['main'],
      fakeFacts(),
      environment(health),
    );
    expect(health.loadsAsked.sort()).toEqual(['a', 'x']);
  });
});

describe('planRoute: canary', () => {
  const canary: CanaryConfig = { target: 'canary', percent: 10, sticky: 'key' };
  const catalog = (config: CanaryConfig = canary) =>
    catalogOf(
      g(
        'main',
        [d('s1', { priority: 0 }), d('s2', { priority: 1 }), d('canary', { priority: 2 })],
        {
          canary: config,
        },
      ),
    );

  /** The first key `key-<n>` that falls in `variant` for group main. */
  function keyIn(variant: 'canary' | 'stable', config: CanaryConfig = canary): string {
    for (let index = 0; ; index += 1) {
      const keyId = `key-${index}`;
      if (
        canaryVariant(config, 'main', { keyId, endUser: undefined, requestId: 'r' }) === variant
      ) {
        return keyId;
      }
    }
  }

  it('puts the canary deployment first for callers in the canary variant', () => {
    const result = plan(catalog(), ['main'], fakeFacts({ keyId: keyIn('canary') }));
    expect(ids(result)).toEqual(['canary', 's1', 's2']);
    expect(traceGroup(result, 'main').variant).toBe('canary');
    expect(result.trace.reason).toBe('canary');
  });

  it('never plans the canary deployment for callers in the stable variant', () => {
    const result = plan(catalog(), ['main'], fakeFacts({ keyId: keyIn('stable') }));
    expect(ids(result)).toEqual(['s1', 's2']);
    expect(traceGroup(result, 'main').variant).toBe('stable');
    expect(filters(result, 'main')).toEqual({
      s1: undefined,
      s2: undefined,
      canary: 'canary-control',
    });
    expect(result.trace.reason).toBe('priority');
  });

  it('keeps a key on one variant across many requests', () => {
    const shared = catalog();
    for (const variant of ['canary', 'stable'] as const) {
      const keyId = keyIn(variant);
      const variants = new Set(
        Array.from({ length: 50 }, (_, index) => {
          const result = plan(
            shared,
            ['main'],
            fakeFacts({ keyId, requestId: `request-${index}` }),
          );
          return traceGroup(result, 'main').variant;
        }),
      );
      expect(variants).toEqual(new Set([variant]));
    }
  });

  it.each([
    { percent: 10, low: 0.08, high: 0.12 },
    { percent: 50, low: 0.47, high: 0.53 },
    { percent: 1, low: 0.005, high: 0.015 },
  ])('sends about $percent% of 5,000 keys to the canary', ({ percent, low, high }) => {
    const shared = catalog({ ...canary, percent });
    let inCanary = 0;
    let misplaced = 0;
    for (let index = 0; index < 5000; index += 1) {
      const result = plan(shared, ['main'], fakeFacts({ keyId: `k${index}` }));
      const planned = ids(result);
      if (traceGroup(result, 'main').variant === 'canary') {
        inCanary += 1;
        misplaced += planned[0] === 'canary' ? 0 : 1;
      } else {
        misplaced += planned.includes('canary') ? 1 : 0;
      }
    }
    expect(misplaced).toBe(0);
    expect(inCanary / 5000).toBeGreaterThanOrEqual(low);
    expect(inCanary / 5000).toBeLessThanOrEqual(high);
  });

  it.each([
    { percent: 0, variant: 'stable' },
    { percent: 100, variant: 'canary' },
  ])('at $percent% every key is $variant', ({ percent, variant }) => {
    const shared = catalog({ ...canary, percent });
    for (let index = 0; index < 500; index += 1) {
      const result = plan(shared, ['main'], fakeFacts({ keyId: `k${index}` }));
      expect(traceGroup(result, 'main').variant).toBe(variant);
    }
  });

  it('is sticky by end user when asked, whatever the key', () => {
    const byUser: CanaryConfig = { ...canary, sticky: 'user', percent: 50 };
    const shared = catalog(byUser);
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      const variants = new Set(
        Array.from(
          { length: 20 },
          (_, index) =>
            traceGroup(
              plan(shared, ['main'], fakeFacts({ keyId: `k${index}`, endUser: user })),
              'main',
            ).variant,
        ),
      );
      expect(variants.size).toBe(1);
    }
  });

  it('draws per request when not sticky', () => {
    const perRequest: CanaryConfig = { ...canary, sticky: 'request', percent: 50 };
    const shared = catalog(perRequest);
    const variants = new Set(
      Array.from(
        { length: 50 },
        (_, index) =>
          traceGroup(plan(shared, ['main'], fakeFacts({ requestId: `r${index}` })), 'main').variant,
      ),
    );
    expect(variants).toEqual(new Set(['canary', 'stable']));
  });

  it('falls back to the stable order when the canary deployment is unavailable', () => {
    const result = plan(
      catalog(),
      ['main'],
      fakeFacts({ keyId: keyIn('canary') }),
      environment(fakeHealth({ canary: open(startMs + 1000) })),
    );
    expect(ids(result)).toEqual(['s1', 's2']);
    expect(filters(result, 'main')).toMatchObject({ canary: 'circuit-open' });
  });

  it('leaves the variant undefined for a group without a canary', () => {
    const result = plan(catalogOf(g('main', [d('a')])), ['main']);
    expect(traceGroup(result, 'main').variant).toBeUndefined();
  });
});

describe('planRoute: nested groups, fallbacks and de-duplication', () => {
  it('expands a nested group in its place, ordered by its own strategy', () => {
    const catalog = catalogOf(
      g('main', [
        d('a', { priority: 1 }),
        nested('inner', { priority: 0 }),
        d('b', { priority: 2 }),
      ]),
      g('inner', [d('x', { priority: 1 }), d('y', { priority: 0 })]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['y', 'x', 'a', 'b']);
    expect(traceGroup(result, 'main').order).toEqual(['group:inner', 'a', 'b']);
    expect(result.trace.groups.map((entry) => [entry.alias, entry.via])).toEqual([
      ['main', 'request'],
      ['inner', 'nested'],
    ]);
    expect(result.attempts.map((attempt) => attempt.group.alias)).toEqual([
      'inner',
      'inner',
      'main',
      'main',
    ]);
  });

  it("appends a group's fallbacks after all its members, in order", () => {
    const catalog = catalogOf(
      g('main', [d('a'), d('b')], { fallbacks: ['first', 'second'] }),
      g('first', [d('f1')], { fallbacks: ['deep'] }),
      g('second', [d('s1')]),
      g('deep', [d('deep1')]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['a', 'b', 'f1', 'deep1', 's1']);
    expect(result.trace.groups.map((entry) => [entry.alias, entry.via])).toEqual([
      ['main', 'request'],
      ['first', 'fallback'],
      ['deep', 'fallback'],
      ['second', 'fallback'],
    ]);
  });

  it("plans the request's own fallback models after the requested one and its fallbacks", () => {
    const catalog = catalogOf(
      g('main', [d('a')], { fallbacks: ['backup'] }),
      g('backup', [d('b')]),
      g('other', [d('o')]),
    );
    const result = plan(catalog, ['main', 'other', 'p/listed']);
    expect(ids(result)).toEqual(['a', 'b', 'o', 'p/listed']);
    expect(result.trace.groups.map((entry) => [entry.alias, entry.via])).toEqual([
      ['main', 'request'],
      ['backup', 'fallback'],
      ['other', 'request-fallback'],
      ['p/listed', 'request-fallback'],
    ]);
    expect(result.trace.model).toBe('main');
    expect(result.trace.reason).toBe('priority');
  });

  it('takes the reason from the requested group, not a fallback', () => {
    const catalog = catalogOf(
      g('main', [d('a')], { strategy: 'round-robin', fallbacks: ['backup'] }),
      g('backup', [d('b'), d('c')], { rules: [rule('r', { routeTo: 'c' })] }),
    );
    expect(plan(catalog, ['main']).trace.reason).toBe('round-robin');
  });

  it("names a direct <provider>/<model> request's reason 'direct'", () => {
    const result = plan(catalogOf(), ['p/listed']);
    expect(ids(result)).toEqual(['p/listed']);
    expect(result.trace.reason).toBe('direct');
  });

  it("names an empty list of models' reason 'none'", () => {
    const catalog = catalogOf();
    const result = planRoute(catalog, [], 'x', fakeFacts(), environment());
    expect(result.attempts).toEqual([]);
    expect(result.trace.reason).toBe('none');
  });

  it('plans a deployment reached through two groups once', () => {
    const catalog = catalogOf(
      g('main', [d('a'), d('b')], { fallbacks: ['other'] }),
      g('other', [d('b'), d('c')]),
    );
    const result = plan(catalog, ['main']);
    expect(ids(result)).toEqual(['a', 'b', 'c']);
    expect(filters(result, 'other')).toEqual({ b: 'already-planned', c: undefined });
    expect(traceGroup(result, 'other').order).toEqual(['c']);
  });

  it('plans a deployment reached both nested and directly once, where it comes first', () => {
    const catalog = catalogOf(g('main', [nested('inner'), d('a')]), g('inner', [d('a'), d('x')]));
    expect(ids(plan(catalog, ['main']))).toEqual(['a', 'x']);
  });

  it.each([
    {
      name: 'fallbacks that point at each other',
      groups: [
        g('main', [d('a')], { fallbacks: ['other'] }),
        g('other', [d('b')], { fallbacks: ['main'] }),
      ],
      models: ['main'],
      expected: ['a', 'b'],
      traced: ['main', 'other'],
    },
    {
      name: 'a group that falls back to itself',
      groups: [g('main', [d('a')], { fallbacks: ['main'] })],
      models: ['main'],
      expected: ['a'],
      traced: ['main'],
    },
    {
      name: 'a request fallback naming the requested model',
      groups: [g('main', [d('a')])],
      models: ['main', 'main'],
      expected: ['a'],
      traced: ['main'],
    },
    {
      name: 'nested groups that contain each other',
      groups: [g('main', [nested('other'), d('a')]), g('other', [nested('main'), d('b')])],
      models: ['main'],
      expected: ['b', 'a'],
      traced: ['main', 'other'],
    },
    {
      name: 'a rule routing to a group that routes back',
      groups: [
        g('main', [d('a')], { rules: [rule('r', { routeTo: 'other' })] }),
        g('other', [d('b')], { rules: [rule('r', { routeTo: 'main' })] }),
      ],
      models: ['main'],
      expected: ['b', 'a'],
      traced: ['main', 'other'],
    },
  ])('terminates on $name', ({ groups, models, expected, traced }) => {
    const result = plan(catalogOf(...groups), models);
    expect(ids(result)).toEqual(expected);
    expect(result.trace.groups.map((entry) => entry.alias)).toEqual(traced);
  });

  it('ignores fallbacks that name no group', () => {
    const result = plan(catalogOf(g('main', [d('a')], { fallbacks: ['missing'] })), ['main']);
    expect(ids(result)).toEqual(['a']);
  });

  it('does not change the groups or deployments it plans, apart from the sequence', () => {
    const catalog = catalogOf(
      g('main', [d('a'), d('b')], { rules: [rule('r', { exclude: ['b'] })] }),
    );
    const main = catalog.group('main')!;
    const before = JSON.stringify({ ...main, sequence: 0 }, (_, value: unknown) =>
      value instanceof Set ? [...(value as Set<unknown>)] : value,
    );
    plan(catalog, ['main']);
    const after = JSON.stringify({ ...main, sequence: 0 }, (_, value: unknown) =>
      value instanceof Set ? [...(value as Set<unknown>)] : value,
    );
    expect(after).toBe(before);
  });
});
