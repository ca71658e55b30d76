import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// POST /v1/route (and its Anthropic and Responses forms), GET /admin/deployments, and the
// routing headers and pre-checks of serving, against a real gateway and standalone mocks.

let alpha: MockProviderServer;
let beta: MockProviderServer;
let tiny: MockProviderServer;
let roomy: MockProviderServer;
let harness: TestGateway;
let appKey: string;

/** Requests each deployment served in this file, from x-signalbox-deployment. */
const served = new Map<string, number>();

beforeAll(async () => {
  const start = (name: string) => startMockProvider({ name, recordLimit: 10_000 });
  [alpha, beta, tiny, roomy] = await Promise.all([
    start('alpha'),
    start('beta'),
    start('tiny'),
    start('roomy'),
  ]);
  harness = await startTestGateway({
    config: `
providers:
  - { id: alpha, type: openai-compatible, base_url: "${alpha.baseUrl}", models: [echo] }
  - { id: beta, type: openai-compatible, base_url: "${beta.baseUrl}", models: [echo, fast] }
  - id: tiny
    type: openai-compatible
    base_url: "${tiny.baseUrl}"
    models: [echo]
    model_facts: { gpt-4o-mini: { context_window: 50 }, echo: { context_window: 50 } }
  - id: roomy
    type: openai-compatible
    base_url: "${roomy.baseUrl}"
    models: [echo]
    model_facts: { echo: { context_window: 200000 } }
models:
  - alias: chat
    targets:
      - { provider: alpha, model: echo, id: alpha-echo, region: us-east-1, tags: [zdr] }
      - { provider: beta, model: fast, id: beta-fast, region: eu-west-1, tags: [eu, zdr], priority: 1, weight: 2, rpm: 100, tpm: 50000 }
  - alias: plain
    targets:
      - { provider: alpha, model: echo }
  - alias: ruled
    targets:
      - { provider: alpha, model: echo, id: general }
      - { provider: beta, model: echo, id: tools }
      - { provider: beta, model: fast, id: eu, tags: [eu] }
    rules:
      - name: tool-calls
        when: request.tools
        route_to: tools
      - name: berlin
        when: key.team == "berlin"
        route_to: eu
      - name: eu-keys
        when: '"eu" in key.tags'
        require_tags: [eu]
  - alias: split
    targets:
      - { provider: alpha, model: echo, id: stable-echo }
      - { provider: beta, model: echo, id: canary-echo }
    canary: { target: canary-echo, percent: 50 }
  # gpt-4o-mini has a tokenizer, so a request can be proved too large for its window; the mock
  # does not serve that model, which is fine: these tests prove it is never called.
  - alias: windowed
    targets:
      - { provider: tiny, model: gpt-4o-mini, id: tiny-4o }
      - { provider: roomy, model: echo, id: roomy-echo }
  - alias: cramped
    targets:
      - { provider: tiny, model: gpt-4o-mini, id: tiny-4o }
  # echo has no tokenizer: a request its bound cannot prove to fit is tried after those that fit.
  - alias: guessing
    targets:
      - { provider: tiny, model: echo, id: tiny-echo }
      - { provider: roomy, model: echo, id: roomy-echo }
`,
  });
  appKey = await harness.createKey({ name: 'routing-app' });
});

afterAll(async () => {
  await harness.close();
  await Promise.all([alpha, beta, tiny, roomy].map((mock) => mock.close()));
});

interface WireSummary {
  readonly deployment: string;
  readonly provider: string;
  readonly upstream_model: string;
  readonly region: string | null;
  readonly tags: readonly string[];
}

interface WireCandidate {
  readonly deployment: string;
  readonly eligible: boolean;
  readonly filtered_by: string | null;
  readonly demoted_by: string | null;
  readonly score: number | null;
}

interface WireGroup {
  readonly alias: string;
  readonly strategy: string;
  readonly via: string;
  readonly variant: string | null;
  readonly rules: readonly { readonly name: string; readonly matched: boolean }[];
  readonly candidates: readonly WireCandidate[];
  readonly order: readonly string[];
}

interface WireRoute extends WireSummary {
  readonly object: string;
  readonly model: string;
  readonly reason: string;
  readonly variant: string | null;
  readonly alternatives: readonly WireSummary[];
  readonly decision: {
    readonly model: string;
    readonly reason: string;
    readonly plan_micros: number;
    readonly estimated_input_tokens: number;
    readonly groups: readonly WireGroup[];
  };
}

interface WireError {
  readonly code?: string;
  readonly param?: string | null;
  readonly type: string;
  readonly details?: { readonly error_code: string };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

async function post(
  path: string,
  body: unknown,
  options: { key?: string | undefined; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const key = 'key' in options ? options.key : appKey;
  const response = await fetch(harness.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const deployment = response.headers.get('x-signalbox-deployment');
  if (response.status === 200 && deployment !== null) {
    served.set(deployment, (served.get(deployment) ?? 0) + 1);
  }
  return {
    status: response.status,
    headers: response.headers,
    json: text.startsWith('{') ? (JSON.parse(text) as unknown) : text,
  };
}

/** The recommendation of a 200 answer. */
function routeOf(answer: Answer): WireRoute {
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json as WireRoute;
}

/** The error of an OpenAI-shaped or Anthropic-shaped error answer. */
function errorOf(answer: Answer): WireError {
  return (answer.json as { error: WireError }).error;
}

/** The gateway's error code, from either shape. */
function codeOf(answer: Answer): string | undefined {
  const error = errorOf(answer);
  return error.code ?? error.details?.error_code;
}

function groupOf(route: WireRoute, index = 0): WireGroup {
  const group = route.decision.groups[index];
  if (group === undefined) {
    throw new Error(`the decision has no group ${index}`);
  }
  return group;
}

const idsOf = (entries: readonly { deployment: string }[]) =>
  entries.map((entry) => entry.deployment);

async function createKey(fields: { name: string; team?: string; tags?: string[] }) {
  const response = await harness.admin('POST', '/admin/keys', fields);
  expect(response.status).toBe(201);
  const body = (await response.json()) as { key: string; id: string; team: string | null };
  expect(body.team).toBe(fields.team ?? null);
  return body;
}

/** Requests received by every mock upstream so far. */
function upstreamCalls(): number {
  return [alpha, beta, tiny, roomy].reduce((sum, mock) => sum + mock.requests.length, 0);
}

const hello = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello' }] });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

const longPrompt = Array.from({ length: 1200 }, (_, index) => `word${index % 97}`).join(' ');

describe('POST /v1/route', () => {
  it('answers the decision for a Chat Completions body in the documented shape', async () => {
    const route = routeOf(await post('/v1/route', hello('chat')));
    expect(Object.keys(route).sort()).toEqual(
      [
        'object',
        'model',
        'deployment',
        'provider',
        'upstream_model',
        'region',
        'tags',
        'reason',
        'variant',
        'alternatives',
        'decision',
      ].sort(),
    );
    expect(route).toMatchObject({
      object: 'route',
      model: 'chat',
      deployment: 'alpha-echo',
      provider: 'alpha',
      upstream_model: 'echo',
      region: 'us-east-1',
      tags: ['zdr'],
      reason: 'priority',
      variant: null,
    });
    expect(route.alternatives).toEqual([
      {
        deployment: 'beta-fast',
        provider: 'beta',
        upstream_model: 'fast',
        region: 'eu-west-1',
        tags: ['eu', 'zdr'],
      },
    ]);
    expect(Object.keys(route.decision).sort()).toEqual(
      ['model', 'reason', 'plan_micros', 'estimated_input_tokens', 'groups'].sort(),
    );
    expect(route.decision).toMatchObject({ model: 'chat', reason: 'priority' });
    expect(route.decision.plan_micros).toBeGreaterThanOrEqual(0);
    expect(route.decision.estimated_input_tokens).toBeGreaterThan(0);
    expect(route.decision.groups).toHaveLength(1);
    const group = groupOf(route);
    expect(Object.keys(group).sort()).toEqual(
      ['alias', 'strategy', 'via', 'variant', 'rules', 'candidates', 'order'].sort(),
    );
    expect(group).toMatchObject({
      alias: 'chat',
      strategy: 'priority',
      via: 'request',
      variant: null,
      rules: [],
      order: ['alpha-echo', 'beta-fast'],
    });
    expect(idsOf(group.candidates)).toEqual(['alpha-echo', 'beta-fast']);
    for (const candidate of group.candidates) {
      expect(Object.keys(candidate).sort()).toEqual(
        ['deployment', 'eligible', 'filtered_by', 'demoted_by', 'score'].sort(),
      );
      expect(candidate).toMatchObject({ eligible: true, filtered_by: null });
      expect(candidate.score).toEqual(expect.any(Number));
    }
  });

  it('answers for Anthropic Messages and Responses bodies too', async () => {
    const messages = routeOf(
      await post('/v1/route/messages', {
        model: 'ruled',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'weather in Paris?' }],
        tools: [
          {
            name: 'get_weather',
            input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      }),
    );
    expect(messages).toMatchObject({
      object: 'route',
      model: 'ruled',
      deployment: 'tools',
      reason: 'rule:tool-calls',
    });
    expect(idsOf(messages.alternatives)).toEqual(['general', 'eu']);
    const responses = routeOf(
      await post('/v1/route/responses', { model: 'ruled', input: 'hello' }),
    );
    expect(responses).toMatchObject({
      object: 'route',
      model: 'ruled',
      deployment: 'general',
      reason: 'priority',
    });
    expect(idsOf(responses.alternatives)).toEqual(['tools', 'eu']);
  });

  it('puts the request’s own fallback models after the group, in plan order', async () => {
    const route = routeOf(await post('/v1/route', { ...hello('chat'), models: ['plain'] }));
    expect(route.deployment).toBe('alpha-echo');
    expect(idsOf(route.alternatives)).toEqual(['beta-fast', 'alpha/echo']);
    expect(route.decision.groups.map((group) => [group.alias, group.via])).toEqual([
      ['chat', 'request'],
      ['plain', 'request-fallback'],
    ]);
  });

  it('never calls an upstream', async () => {
    const before = upstreamCalls();
    const answers = await Promise.all([
      post('/v1/route', hello('chat')),
      post('/v1/route', hello('windowed')),
      post('/v1/route', { ...hello('ruled'), tools: [weatherTool] }),
      post('/v1/route', { ...hello('split'), stream: true }),
      post('/v1/route/messages', {
        model: 'plain',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      post('/v1/route/responses', { model: 'cramped', input: 'hi', stream: true }),
    ]);
    for (const answer of answers) {
      expect(routeOf(answer).object).toBe('route');
      expect(answer.headers.get('x-signalbox-deployment')).toBeNull();
    }
    expect(upstreamCalls()).toBe(before);
    // The counter is live: serving one request moves it.
    const servedAnswer = await post('/v1/chat/completions', hello('plain'));
    expect(servedAnswer.status).toBe(200);
    expect(upstreamCalls()).toBe(before + 1);
  });

  it('needs a valid key', async () => {
    const missing = await post('/v1/route', hello('chat'), { key: undefined });
    expect(missing.status).toBe(401);
    expect(codeOf(missing)).toBe('SB_ERR_AUTH_MISSING_KEY');
    const wrong = await post('/v1/route', hello('chat'), {
      key: 'sk-sb-AAAAAAAAAAAA00000000000000000000000000000000',
    });
    expect(wrong.status).toBe(401);
    expect(codeOf(wrong)).toBe('SB_ERR_AUTH_INVALID_KEY');
    const anthropic = await post(
      '/v1/route/messages',
      { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
      { key: undefined },
    );
    expect(anthropic.status).toBe(401);
    expect(anthropic.json).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', details: { error_code: 'SB_ERR_AUTH_MISSING_KEY' } },
    });
  });

  it('refuses a model the key may not use (403) and an unknown model (404)', async () => {
    const limited = await harness.createKey({ name: 'plain-only', models: ['plain'] });
    expect(routeOf(await post('/v1/route', hello('plain'), { key: limited })).deployment).toBe(
      'alpha/echo',
    );
    const refused = await post('/v1/route', hello('chat'), { key: limited });
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('SB_ERR_AUTH_MODEL_NOT_ALLOWED');
    const refusedFallback = await post(
      '/v1/route',
      { ...hello('plain'), models: ['chat'] },
      { key: limited },
    );
    expect(refusedFallback.status).toBe(403);
    expect(errorOf(refusedFallback)).toMatchObject({
      code: 'SB_ERR_AUTH_MODEL_NOT_ALLOWED',
      param: 'models[0]',
    });
    const refusedMessages = await post(
      '/v1/route/messages',
      { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
      { key: limited },
    );
    expect(refusedMessages.status).toBe(403);
    expect(errorOf(refusedMessages)).toMatchObject({
      type: 'permission_error',
      details: { error_code: 'SB_ERR_AUTH_MODEL_NOT_ALLOWED' },
    });

    const unknown = await post('/v1/route', hello('no-such-model'));
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'SB_ERR_MODEL_NOT_FOUND', param: 'model' });
    const unknownResponses = await post('/v1/route/responses', {
      model: 'no-such-model',
      input: 'hi',
    });
    expect(unknownResponses.status).toBe(404);
    expect(codeOf(unknownResponses)).toBe('SB_ERR_MODEL_NOT_FOUND');
  });
});

describe('rules over key facts and request facts', () => {
  it('routes a key of team berlin by its rule, with the others as fallbacks', async () => {
    const berlin = await createKey({ name: 'berlin-app', team: 'berlin' });
    const route = routeOf(await post('/v1/route', hello('ruled'), { key: berlin.key }));
    expect(route).toMatchObject({ deployment: 'eu', reason: 'rule:berlin' });
    expect(idsOf(route.alternatives)).toEqual(['general', 'tools']);
    expect(groupOf(route).rules).toEqual([
      { name: 'tool-calls', matched: false },
      { name: 'berlin', matched: true },
      { name: 'eu-keys', matched: false },
    ]);
    // The first matching rule with route_to wins: with tools, tool-calls comes first.
    const withTools = routeOf(
      await post('/v1/route', { ...hello('ruled'), tools: [weatherTool] }, { key: berlin.key }),
    );
    expect(withTools).toMatchObject({ deployment: 'tools', reason: 'rule:tool-calls' });
  });

  it('narrows to tagged deployments for a key tagged eu', async () => {
    const tagged = await createKey({ name: 'eu-app', tags: ['eu', 'pii'] });
    const route = routeOf(await post('/v1/route', hello('ruled'), { key: tagged.key }));
    expect(route).toMatchObject({ deployment: 'eu', reason: 'priority', alternatives: [] });
    expect(groupOf(route).candidates).toEqual([
      {
        deployment: 'general',
        eligible: false,
        filtered_by: 'rule-require-tags',
        demoted_by: null,
        score: null,
      },
      {
        deployment: 'tools',
        eligible: false,
        filtered_by: 'rule-require-tags',
        demoted_by: null,
        score: null,
      },
      { deployment: 'eu', eligible: true, filtered_by: null, demoted_by: null, score: 0 },
    ]);
    expect(groupOf(route).rules).toContainEqual({ name: 'eu-keys', matched: true });
  });

  it('routes by request.tools, and a key without team or tags by the strategy', async () => {
    const tools = routeOf(await post('/v1/route', { ...hello('ruled'), tools: [weatherTool] }));
    expect(tools).toMatchObject({ deployment: 'tools', reason: 'rule:tool-calls' });
    expect(idsOf(tools.alternatives)).toEqual(['general', 'eu']);
    const plain = routeOf(await post('/v1/route', hello('ruled')));
    expect(plain).toMatchObject({ deployment: 'general', reason: 'priority' });
    expect(groupOf(plain).rules).toEqual([
      { name: 'tool-calls', matched: false },
      { name: 'berlin', matched: false },
      { name: 'eu-keys', matched: false },
    ]);
  });
});

describe('placement headers', () => {
  it('narrows with x-signalbox-tags and x-signalbox-region', async () => {
    const eu = routeOf(
      await post('/v1/route', hello('chat'), { headers: { 'x-signalbox-tags': 'eu' } }),
    );
    expect(eu).toMatchObject({ deployment: 'beta-fast', alternatives: [] });
    expect(groupOf(eu).candidates[0]).toEqual({
      deployment: 'alpha-echo',
      eligible: false,
      filtered_by: 'requested-tags',
      demoted_by: null,
      score: null,
    });
    const zdr = routeOf(
      await post('/v1/route', hello('chat'), { headers: { 'x-signalbox-tags': 'zdr' } }),
    );
    expect(zdr.deployment).toBe('alpha-echo');
    expect(idsOf(zdr.alternatives)).toEqual(['beta-fast']);
    const region = routeOf(
      await post('/v1/route', hello('chat'), { headers: { 'x-signalbox-region': 'eu-west-1' } }),
    );
    expect(region.deployment).toBe('beta-fast');
    expect(groupOf(region).candidates[0]?.filtered_by).toBe('requested-region');
  });

  it('answers 422 when no deployment carries the required tags, without calling upstream', async () => {
    const before = upstreamCalls();
    const recommended = await post('/v1/route', hello('chat'), {
      headers: { 'x-signalbox-tags': 'zdr, hipaa' },
    });
    expect(recommended.status).toBe(422);
    expect(codeOf(recommended)).toBe('SB_ERR_ROUTE_NO_ELIGIBLE_DEPLOYMENT');
    const servedAnswer = await post('/v1/chat/completions', hello('chat'), {
      headers: { 'x-signalbox-tags': 'hipaa' },
    });
    expect(servedAnswer.status).toBe(422);
    expect(codeOf(servedAnswer)).toBe('SB_ERR_ROUTE_NO_ELIGIBLE_DEPLOYMENT');
    expect(upstreamCalls()).toBe(before);
    const malformed = await post('/v1/route', hello('chat'), {
      headers: { 'x-signalbox-tags': 'not a tag!' },
    });
    expect(malformed.status).toBe(400);
    expect(codeOf(malformed)).toBe('SB_ERR_REQUEST_INVALID');
  });
});

describe('canaries', () => {
  const variantOf = new Map<string, string | null>();

  it('splits keys between the variants and names the variant in the answer', async () => {
    const keys = await Promise.all(
      Array.from({ length: 40 }, (_, index) => harness.createKey({ name: `canary-${index}` })),
    );
    for (const key of keys) {
      const route = routeOf(await post('/v1/route', hello('split'), { key }));
      variantOf.set(key, route.variant);
      expect(groupOf(route).variant).toBe(route.variant);
      if (route.variant === 'canary') {
        expect(route).toMatchObject({ deployment: 'canary-echo', reason: 'canary' });
        expect(idsOf(route.alternatives)).toEqual(['stable-echo']);
      } else {
        expect(route).toMatchObject({
          variant: 'stable',
          deployment: 'stable-echo',
          reason: 'priority',
          alternatives: [],
        });
        expect(groupOf(route).candidates[1]).toMatchObject({
          deployment: 'canary-echo',
          filtered_by: 'canary-control',
        });
      }
    }
    const variants = [...variantOf.values()];
    expect(variants).toContain('canary');
    expect(variants).toContain('stable');
  });

  it.each(['canary', 'stable'])(
    'keeps a %s key on its variant, when recommending and when serving',
    async (wanted) => {
      const key = [...variantOf.entries()].find(([, variant]) => variant === wanted)?.[0];
      expect(key).toBeDefined();
      const expected = wanted === 'canary' ? 'canary-echo' : 'stable-echo';
      const deployments = new Set<string>();
      const variants = new Set<string | null>();
      for (let call = 0; call < 20; call += 1) {
        const route = routeOf(await post('/v1/route', hello('split'), { key }));
        deployments.add(route.deployment);
        variants.add(route.variant);
      }
      expect([...variants]).toEqual([wanted]);
      expect([...deployments]).toEqual([expected]);
      const servedAnswer = await post('/v1/chat/completions', hello('split'), { key });
      expect(servedAnswer.status).toBe(200);
      expect(servedAnswer.headers.get('x-signalbox-variant')).toBe(wanted);
      expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe(expected);
      expect(servedAnswer.headers.get('x-signalbox-route')).toBe(
        wanted === 'canary' ? 'canary' : 'priority',
      );
      expect(servedAnswer.headers.get('x-signalbox-attempts')).toBe('1');
    },
  );
});

describe('serving follows the recommendation', () => {
  it.each([
    { name: 'the priority choice', model: 'chat', extra: {}, headers: {}, expected: 'alpha-echo' },
    {
      name: 'a placement header',
      model: 'chat',
      extra: {},
      headers: { 'x-signalbox-tags': 'eu' },
      expected: 'beta-fast',
    },
    {
      name: 'a request.tools rule',
      model: 'ruled',
      extra: { tools: [weatherTool] },
      headers: {},
      expected: 'tools',
    },
  ])('with $name', async ({ model, extra, headers, expected }) => {
    const body = { ...hello(model), ...extra };
    const recommended = routeOf(await post('/v1/route', body, { headers }));
    expect(recommended.deployment).toBe(expected);
    const before = upstreamCalls();
    const servedAnswer = await post('/v1/chat/completions', body, { headers });
    expect(servedAnswer.status).toBe(200);
    expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe(recommended.deployment);
    expect(servedAnswer.headers.get('x-signalbox-provider')).toBe(recommended.provider);
    expect(servedAnswer.headers.get('x-signalbox-model')).toBe(recommended.upstream_model);
    expect(servedAnswer.headers.get('x-signalbox-route')).toBe(recommended.reason);
    expect(servedAnswer.headers.get('x-signalbox-attempts')).toBe('1');
    // A group without a canary has no variant.
    expect(servedAnswer.headers.get('x-signalbox-variant')).toBeNull();
    expect(upstreamCalls()).toBe(before + 1);
  });

  it('serves a team key where its rule said', async () => {
    const berlin = await createKey({ name: 'berlin-serving', team: 'berlin' });
    const recommended = routeOf(await post('/v1/route', hello('ruled'), { key: berlin.key }));
    const servedAnswer = await post('/v1/chat/completions', hello('ruled'), { key: berlin.key });
    expect(servedAnswer.status).toBe(200);
    expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe('eu');
    expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe(recommended.deployment);
    expect(servedAnswer.headers.get('x-signalbox-route')).toBe('rule:berlin');
  });
});

describe('context windows', () => {
  it('serves a long prompt from the deployment whose window fits, without calling the small one', async () => {
    const body = { model: 'windowed', messages: [{ role: 'user', content: longPrompt }] };
    expect(JSON.stringify(body).length).toBeGreaterThan(5000);
    const recommended = routeOf(await post('/v1/route', body));
    expect(recommended.deployment).toBe('roomy-echo');
    expect(groupOf(recommended).candidates[0]).toEqual({
      deployment: 'tiny-4o',
      eligible: false,
      filtered_by: 'context-window',
      demoted_by: null,
      score: null,
    });
    const tinyBefore = tiny.requests.length;
    const roomyBefore = roomy.requests.length;
    const servedAnswer = await post('/v1/chat/completions', body);
    expect(servedAnswer.status).toBe(200);
    expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe('roomy-echo');
    expect(servedAnswer.headers.get('x-signalbox-attempts')).toBe('1');
    const completion = servedAnswer.json as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe(longPrompt);
    expect(tiny.requests.length).toBe(tinyBefore);
    expect(roomy.requests.length).toBe(roomyBefore + 1);
    const requestId = servedAnswer.headers.get('x-signalbox-request-id');
    const record = await harness.waitForRecord((entry) => entry.requestId === requestId);
    expect(record.decision?.groups[0]?.candidates).toContainEqual({
      id: 'tiny-4o',
      filteredBy: 'context-window',
      score: undefined,
    });
    expect(record.attempts.map((attempt) => attempt.deployment)).toEqual(['roomy-echo']);
  });

  it('answers 400 without calling anyone when no window is large enough', async () => {
    const body = { model: 'cramped', messages: [{ role: 'user', content: longPrompt }] };
    const before = upstreamCalls();
    const servedAnswer = await post('/v1/chat/completions', body);
    expect(servedAnswer.status).toBe(400);
    expect(codeOf(servedAnswer)).toBe('SB_ERR_UPSTREAM_CONTEXT_LENGTH');
    const recommended = await post('/v1/route', body);
    expect(recommended.status).toBe(400);
    expect(codeOf(recommended)).toBe('SB_ERR_UPSTREAM_CONTEXT_LENGTH');
    const streamed = await post('/v1/chat/completions', { ...body, stream: true });
    expect(streamed.status).toBe(400);
    expect(codeOf(streamed)).toBe('SB_ERR_UPSTREAM_CONTEXT_LENGTH');
    expect(upstreamCalls()).toBe(before);
  });

  it('tries a deployment whose fit cannot be proved after those that surely fit', async () => {
    const body = { model: 'guessing', messages: [{ role: 'user', content: longPrompt }] };
    const recommended = routeOf(await post('/v1/route', body));
    expect(recommended.deployment).toBe('roomy-echo');
    expect(idsOf(recommended.alternatives)).toEqual(['tiny-echo']);
    expect(groupOf(recommended).candidates[0]).toMatchObject({
      deployment: 'tiny-echo',
      eligible: true,
    });
    expect(groupOf(recommended).order).toEqual(['roomy-echo', 'tiny-echo']);
    const tinyBefore = tiny.requests.length;
    const servedAnswer = await post('/v1/chat/completions', body);
    expect(servedAnswer.headers.get('x-signalbox-deployment')).toBe('roomy-echo');
    expect(tiny.requests.length).toBe(tinyBefore);
  });
});

describe('GET /admin/deployments', () => {
  const fields = [
    'deployment',
    'provider',
    'upstream_model',
    'region',
    'tags',
    'groups',
    'weight',
    'priority',
    'rpm',
    'tpm',
    'context_window',
    'circuit',
    'circuit_until',
    'cooling_down_until',
    'latency_ewma_ms',
    'in_flight',
    'requests_last_minute',
    'tokens_last_minute',
    'error_rate',
    'consecutive_failures',
  ];

  it('is for the admin key only', async () => {
    const asApp = await fetch(`${harness.url}/admin/deployments`, {
      headers: { authorization: `Bearer ${appKey}` },
    });
    expect(asApp.status).toBe(403);
    expect(((await asApp.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_AUTH_FORBIDDEN',
    );
    const anonymous = await fetch(`${harness.url}/admin/deployments`);
    expect(anonymous.status).toBe(401);
  });

  it('lists every configured deployment with its groups, settings and health', async () => {
    const response = await fetch(`${harness.url}/admin/deployments`, {
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      data: (Record<string, unknown> & { deployment: string })[];
    };
    expect(body.object).toBe('list');
    const byId = new Map(body.data.map((entry) => [entry.deployment, entry]));
    expect(byId.size).toBe(body.data.length);
    expect([...byId.keys()].sort()).toEqual(
      [
        'alpha-echo',
        'beta-fast',
        'alpha/echo',
        'general',
        'tools',
        'eu',
        'stable-echo',
        'canary-echo',
        'tiny-4o',
        'tiny-echo',
        'roomy-echo',
        'beta/echo',
        'beta/fast',
        'tiny/echo',
        'roomy/echo',
      ].sort(),
    );
    for (const entry of body.data) {
      expect(Object.keys(entry).sort()).toEqual([...fields].sort());
      expect(entry).toMatchObject({
        circuit: 'closed',
        circuit_until: null,
        cooling_down_until: null,
        in_flight: 0,
        error_rate: 0,
        consecutive_failures: 0,
      });
      // Recommendations are not load: only served requests count.
      expect(entry.requests_last_minute, entry.deployment).toBe(served.get(entry.deployment) ?? 0);
    }
    expect(byId.get('beta-fast')).toMatchObject({
      provider: 'beta',
      upstream_model: 'fast',
      region: 'eu-west-1',
      tags: ['eu', 'zdr'],
      groups: ['chat'],
      weight: 2,
      priority: 1,
      rpm: 100,
      tpm: 50000,
    });
    expect(byId.get('alpha/echo')).toMatchObject({
      provider: 'alpha',
      upstream_model: 'echo',
      region: null,
      tags: [],
      groups: ['plain', 'alpha/echo'],
      weight: 1,
      priority: 0,
      rpm: null,
      tpm: null,
    });
    expect(byId.get('tiny-4o')).toMatchObject({
      provider: 'tiny',
      upstream_model: 'gpt-4o-mini',
      context_window: 50,
      groups: ['windowed', 'cramped'],
    });
    expect(byId.get('tiny-echo')).toMatchObject({ context_window: 50, groups: ['guessing'] });
    expect(byId.get('roomy-echo')).toMatchObject({
      context_window: 200000,
      groups: ['windowed', 'guessing'],
    });
    // A deployment that has served shows its latency and load; one that has not, none.
    expect(served.get('alpha-echo')).toBeGreaterThan(0);
    expect(byId.get('alpha-echo')?.latency_ewma_ms).toEqual(expect.any(Number));
    expect(byId.get('alpha-echo')?.tokens_last_minute).toEqual(expect.any(Number));
    expect(byId.get('alpha-echo')?.tokens_last_minute).not.toBe(0);
    expect(byId.get('beta/echo')).toMatchObject({ latency_ewma_ms: null, groups: ['beta/echo'] });
  });
});
