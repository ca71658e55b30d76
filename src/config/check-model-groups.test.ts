import { describe, expect, it } from 'vitest';
import { compileRuleExpression } from '../routing/rules/compile-rule-expression.ts';
import { deploymentIdOf, findModelGroupIssues } from './check-model-groups.ts';
import type { ModelGroupEntry } from './model-group-schema.ts';

const providers = new Set(['openai', 'local']);

function group(alias: string, fields: Partial<ModelGroupEntry> = {}): ModelGroupEntry {
  return { alias, targets: [{ provider: 'openai', model: 'gpt-4o' }], ...fields };
}

function issues(groups: readonly ModelGroupEntry[], providerIds: ReadonlySet<string> = providers) {
  return findModelGroupIssues(groups, providerIds);
}

/** Groups `g0` → `g1` → … → `g<count-1>`, each nesting the next; the last holds a deployment. */
function chain(count: number): ModelGroupEntry[] {
  return Array.from({ length: count }, (_, index) =>
    index === count - 1
      ? group(`g${index}`)
      : group(`g${index}`, { targets: [{ alias: `g${index + 1}` }] }),
  );
}

describe('deploymentIdOf', () => {
  it.each([
    { target: { provider: 'openai', model: 'gpt-4o' }, id: 'openai/gpt-4o' },
    { target: { provider: 'openai', model: 'gpt-4o', id: 'primary' }, id: 'primary' },
    { target: { provider: 'local', model: 'qwen/qwen3-8b' }, id: 'local/qwen/qwen3-8b' },
  ])('names $target as $id', ({ target, id }) => {
    expect(deploymentIdOf(target)).toBe(id);
  });
});

describe('findModelGroupIssues', () => {
  it('finds nothing wrong with a sound configuration', () => {
    expect(
      issues([
        group('fast', {
          targets: [
            { provider: 'openai', model: 'gpt-4o-mini', tags: ['zdr'], region: 'us-east-1' },
            { provider: 'openai', model: 'gpt-4o-mini', id: 'second-mini' },
            { alias: 'smart' },
          ],
          rules: [
            { name: 'big', when: 'request.input_tokens > 1000', route_to: 'smart' },
            { when: 'request.images', route_to: 'second-mini' },
            { when: '"eu" in key.tags', require_tags: ['zdr'] },
          ],
          canary: { target: 'second-mini', percent: 5 },
          fallbacks: ['smart'],
        }),
        group('smart', {
          targets: [
            { provider: 'local', model: 'llama' },
            // The same deployment as in fast, with its own weight and priority here.
            {
              provider: 'openai',
              model: 'gpt-4o-mini',
              tags: ['zdr'],
              region: 'us-east-1',
              weight: 4,
              priority: 2,
            },
          ],
          // Fallback cycles are allowed: the planner visits each group once.
          fallbacks: ['fast'],
        }),
        group('vendor/fast'),
      ]),
    ).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown provider',
      groups: [group('fast', { targets: [{ provider: 'groq', model: 'llama' }] })],
      path: ['models', 0, 'targets', 0, 'provider'],
      message: 'refers to provider "groq", which is not configured (configured: openai, local)',
    },
    {
      name: 'an unknown nested alias',
      groups: [
        group('fast', { targets: [{ provider: 'openai', model: 'gpt-4o' }, { alias: 'ghost' }] }),
      ],
      path: ['models', 0, 'targets', 1, 'alias'],
      message: 'refers to model group "ghost", which is not defined',
    },
    {
      name: 'a deployment twice in one group',
      groups: [
        group('fast', {
          targets: [
            { provider: 'openai', model: 'gpt-4o' },
            { provider: 'local', model: 'llama' },
            { provider: 'openai', model: 'gpt-4o', weight: 3 },
          ],
        }),
      ],
      path: ['models', 0, 'targets', 2],
      message: 'deployment "openai/gpt-4o" appears twice in this group; give one an id',
    },
    {
      name: 'an unknown fallback',
      groups: [group('fast', { fallbacks: ['fast', 'ghost'] })],
      path: ['models', 0, 'fallbacks', 1],
      message: 'refers to model group "ghost", which is not defined',
    },
    {
      name: 'a canary target not in the group',
      groups: [
        group('fast', {
          targets: [
            { provider: 'openai', model: 'gpt-4o' },
            { provider: 'local', model: 'llama', id: 'llama' },
          ],
          canary: { target: 'openai/gpt-4o-mini', percent: 10 },
        }),
      ],
      path: ['models', 0, 'canary', 'target'],
      message: 'must be the id of a deployment of this group (openai/gpt-4o, llama)',
    },
    {
      name: 'a canary target that is a nested group',
      groups: [
        group('fast', { targets: [{ alias: 'smart' }], canary: { target: 'smart', percent: 10 } }),
        group('smart'),
      ],
      path: ['models', 0, 'canary', 'target'],
      message: 'must be the id of a deployment of this group (none)',
    },
    {
      name: 'a rule routing to an unknown target',
      groups: [group('fast', { rules: [{ when: 'true' }, { when: 'true', route_to: 'ghost' }] })],
      path: ['models', 0, 'rules', 1, 'route_to'],
      message: 'must be a deployment id of this group or a model group ("ghost" is neither)',
    },
    {
      name: "a rule routing to another group's deployment",
      groups: [
        group('fast', { rules: [{ when: 'true', route_to: 'local/llama' }] }),
        group('smart', { targets: [{ provider: 'local', model: 'llama' }] }),
      ],
      path: ['models', 0, 'rules', 0, 'route_to'],
      message: 'must be a deployment id of this group or a model group ("local/llama" is neither)',
    },
    {
      name: 'a duplicated alias',
      groups: [group('fast'), group('smart'), group('fast')],
      path: ['models', 2, 'alias'],
      message: '"fast" is defined more than once',
    },
    {
      name: 'an alias that looks like a direct name',
      groups: [group('openai/fast')],
      path: ['models', 0, 'alias'],
      message:
        '"openai/fast" looks like a direct "<provider>/<model>" name of provider "openai"; pick an alias without that prefix',
    },
  ])('reports $name', ({ groups, path, message }) => {
    expect(issues(groups)).toEqual([{ path, message }]);
  });

  it('reports an explicit id given to two different deployments of a group twice over', () => {
    expect(
      issues([
        group('fast', {
          targets: [
            { provider: 'openai', model: 'gpt-4o', id: 'main' },
            { provider: 'openai', model: 'gpt-4o-mini', id: 'main' },
          ],
        }),
      ]),
    ).toEqual([
      {
        path: ['models', 0, 'targets', 1],
        message: 'deployment "main" appears twice in this group; give one an id',
      },
      {
        path: ['models', 0, 'targets', 1],
        message:
          'deployment "main" is defined elsewhere with other settings; one id is one deployment (give this one its own id)',
      },
    ]);
  });

  it('checks that a cascade judge names something servable', () => {
    const judged = (model: string) =>
      group('tiered', { cascade: { judge: { model, threshold: 0.7 } } });
    expect(issues([judged('strong'), group('strong')])).toEqual([]);
    expect(issues([judged('openai/gpt-4o-mini')])).toEqual([]);
    expect(issues([judged('nobody')])).toEqual([
      {
        path: ['models', 0, 'cascade', 'judge', 'model'],
        message:
          'must be a model group or "<provider>/<model>" of a configured provider ("nobody" is neither)',
      },
    ]);
    expect(issues([judged('tiered')])[0]?.message).toBe(
      'a cascade cannot judge its answers with its own group',
    );
  });

  it("says 'none' when no provider is configured", () => {
    expect(issues([group('fast')], new Set())).toEqual([
      {
        path: ['models', 0, 'targets', 0, 'provider'],
        message: 'refers to provider "openai", which is not configured (configured: none)',
      },
    ]);
  });

  it.each([
    'request.nope',
    'request.input_tokens',
    'request.model ==',
    'headers["x"].matches("a+")',
    '',
  ])('reports the rule expression %j as the compiler describes it', (when) => {
    const compiled = compileRuleExpression(when);
    expect(compiled.ok).toBe(false);
    expect(
      issues([group('fast', { rules: [{ when: 'true' }, { when, exclude: ['x'] }] })]),
    ).toEqual([
      {
        path: ['models', 0, 'rules', 1, 'when'],
        message: compiled.ok ? '' : compiled.message,
      },
    ]);
  });

  it('reports a deployment id defined elsewhere with other settings', () => {
    expect(
      issues([
        group('fast', { targets: [{ provider: 'openai', model: 'gpt-4o', region: 'us-east-1' }] }),
        group('smart', { targets: [{ provider: 'openai', model: 'gpt-4o' }] }),
        group('other', { targets: [{ provider: 'openai', model: 'gpt-4o', tpm: 1000 }] }),
      ]),
    ).toEqual([
      {
        path: ['models', 1, 'targets', 0],
        message:
          'deployment "openai/gpt-4o" is defined elsewhere with other settings; one id is one deployment (give this one its own id)',
      },
      {
        path: ['models', 2, 'targets', 0],
        message:
          'deployment "openai/gpt-4o" is defined elsewhere with other settings; one id is one deployment (give this one its own id)',
      },
    ]);
  });

  it.each([
    {
      name: 'a different model under one id',
      other: { provider: 'openai', model: 'gpt-4o-mini', id: 'shared' },
    },
    {
      name: 'different tags',
      other: { provider: 'openai', model: 'gpt-4o', id: 'shared', tags: ['zdr'] },
    },
    {
      name: 'different timeouts',
      other: {
        provider: 'openai',
        model: 'gpt-4o',
        id: 'shared',
        timeouts: { first_token_ms: 500 },
      },
    },
    {
      name: 'a different rpm',
      other: { provider: 'openai', model: 'gpt-4o', id: 'shared', rpm: 10 },
    },
  ])('counts $name as other settings', ({ other }) => {
    const found = issues([
      group('fast', { targets: [{ provider: 'openai', model: 'gpt-4o', id: 'shared' }] }),
      group('smart', { targets: [other] }),
    ]);
    expect(found.map((issue) => issue.path)).toEqual([['models', 1, 'targets', 0]]);
  });

  // Regression: `tags: []` in one group and no tags in another (or the same tags in another
  // order, or `timeouts: {}`) were refused as two deployments under one id, though they resolve
  // to the same deployment.
  it.each([
    { name: 'empty tags and no tags', left: { tags: [] }, right: {} },
    {
      name: 'tags in another order',
      left: { tags: ['zdr', 'eu'] },
      right: { tags: ['eu', 'zdr'] },
    },
    { name: 'a repeated tag', left: { tags: ['zdr', 'zdr'] }, right: { tags: ['zdr'] } },
    { name: 'empty timeouts and no timeouts', left: { timeouts: {} }, right: {} },
    { name: 'another weight and priority', left: { weight: 2, priority: 1 }, right: { weight: 9 } },
  ])('accepts one deployment written with $name', ({ left, right }) => {
    expect(
      issues([
        group('fast', { targets: [{ provider: 'openai', model: 'gpt-4o', ...left }] }),
        group('smart', { targets: [{ provider: 'openai', model: 'gpt-4o', ...right }] }),
      ]),
    ).toEqual([]);
  });

  it.each([
    {
      name: 'two groups nesting each other',
      groups: [
        group('a', { targets: [{ alias: 'b' }] }),
        group('b', { targets: [{ alias: 'a' }] }),
      ],
      found: [
        { path: ['models', 0, 'targets'], message: 'nested groups form a cycle: a -> b -> a' },
        { path: ['models', 1, 'targets'], message: 'nested groups form a cycle: b -> a -> b' },
      ],
    },
    {
      name: 'a group nesting itself',
      groups: [group('a', { targets: [{ provider: 'openai', model: 'gpt-4o' }, { alias: 'a' }] })],
      found: [{ path: ['models', 0, 'targets'], message: 'nested groups form a cycle: a -> a' }],
    },
    {
      name: 'a longer cycle, and a group leading into it',
      groups: [
        group('entry', { targets: [{ alias: 'a' }] }),
        group('a', { targets: [{ alias: 'b' }] }),
        group('b', { targets: [{ alias: 'c' }] }),
        group('c', { targets: [{ alias: 'a' }] }),
      ],
      found: [
        {
          path: ['models', 0, 'targets'],
          message: 'nested groups form a cycle: entry -> a -> b -> c -> a',
        },
        { path: ['models', 1, 'targets'], message: 'nested groups form a cycle: a -> b -> c -> a' },
        { path: ['models', 2, 'targets'], message: 'nested groups form a cycle: b -> c -> a -> b' },
        { path: ['models', 3, 'targets'], message: 'nested groups form a cycle: c -> a -> b -> c' },
      ],
    },
  ])('reports a nesting cycle: $name', ({ groups, found }) => {
    expect(issues(groups)).toEqual(found);
  });

  it('allows nesting 8 deep', () => {
    expect(issues(chain(9))).toEqual([]);
  });

  it('refuses nesting deeper than 8', () => {
    expect(issues(chain(10))).toEqual([
      { path: ['models', 0, 'targets'], message: 'nests groups more than 8 deep' },
    ]);
  });

  it('measures depth by the deepest branch', () => {
    const groups = [
      group('top', { targets: [{ alias: 'shallow' }, { alias: 'g0' }] }),
      group('shallow'),
      ...chain(9),
    ];
    expect(issues(groups)).toEqual([
      { path: ['models', 0, 'targets'], message: 'nests groups more than 8 deep' },
    ]);
  });

  it('reports every problem of a group, in order', () => {
    const found = issues([
      group('fast', {
        targets: [{ provider: 'groq', model: 'x' }, { alias: 'ghost' }],
        fallbacks: ['nowhere'],
        canary: { target: 'nope', percent: 1 },
        rules: [{ when: 'request.nope', route_to: 'void' }],
      }),
    ]);
    expect(found.map((issue) => issue.path)).toEqual([
      ['models', 0, 'targets', 0, 'provider'],
      ['models', 0, 'targets', 1, 'alias'],
      ['models', 0, 'fallbacks', 0],
      ['models', 0, 'canary', 'target'],
      ['models', 0, 'rules', 0, 'when'],
      ['models', 0, 'rules', 0, 'route_to'],
    ]);
  });
});
