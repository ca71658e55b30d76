import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { splitIntoTokens } from '../../src/mock-provider/mock-text.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { egressDialects, egressProviderYaml, testProviderEnvironment } from './egress-providers.ts';
import {
  ingressClients,
  type ClientAnswer,
  type ClientOutcome,
  type ScenarioRequest,
} from './ingress-clients.ts';

let mock: MockProviderServer;
let harness: TestGateway;
let key: string;

beforeAll(async () => {
  mock = await startMockProvider({ name: 'matrix' });
  harness = await startTestGateway({
    // Translation is under test here, not routing: no retries, no breaker.
    config: `routing:\n  retries: { max_retries: 0 }\n  breaker: { min_requests: 100000 }\n  cooldown_ms: 0\nproviders:\n${egressDialects.map((dialect) => egressProviderYaml(dialect, mock.origin)).join('\n')}\n`,
    environment: testProviderEnvironment,
  });
  key = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await mock.close();
});

const weather = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const clock = {
  name: 'get_time',
  description: 'Current time in a time zone',
  parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

function answer(outcome: ClientOutcome): ClientAnswer {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('answer');
  if (outcome.kind !== 'answer') throw new Error('not an answer');
  return outcome;
}

/** Usage every pair must report: input and output counts that are positive numbers. */
function expectUsage(result: ClientAnswer): void {
  expect(result.usage.input).toBeGreaterThan(0);
  expect(result.usage.output).toBeGreaterThan(0);
}

interface Scenario {
  readonly name: string;
  readonly request: (model: string) => ScenarioRequest;
  readonly check: (outcome: ClientOutcome) => void;
}

const prompt = 'Tell me about Lisbon in spring';
const longPrompt =
  'Tell me about Lisbon in spring, the trams, the hills, the river, the tiles, the light and the food of every quarter';

const scenarios: readonly Scenario[] = [
  ...[false, true].map((stream): Scenario => ({
    name: stream ? 'text, streamed' : 'text',
    request: (model) => ({ model, prompt, stream }),
    check(outcome) {
      const result = answer(outcome);
      expect(result.text).toBe(prompt);
      expect(result.toolCalls).toEqual([]);
      expect(result.finish).toBe('stop');
      expectUsage(result);
    },
  })),
  ...[false, true].map((stream): Scenario => ({
    name: stream
      ? 'one tool call with exact arguments, streamed'
      : 'one tool call with exact arguments',
    request: (model) => ({ model, prompt, stream, tools: [weather] }),
    check(outcome) {
      const result = answer(outcome);
      expect(result.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: { city: prompt } },
      ]);
      expect(result.toolCalls[0]?.id).not.toBe('');
      expect(result.finish).toBe('tool-calls');
      expectUsage(result);
    },
  })),
  {
    name: 'parallel tool calls, streamed',
    request: (model) => ({
      model,
      prompt: `${prompt}\n!mock parallel`,
      stream: true,
      tools: [weather, clock],
    }),
    check(outcome) {
      const result = answer(outcome);
      expect(result.toolCalls.map(({ name, arguments: args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: { city: prompt } },
        { name: 'get_time', args: { zone: prompt } },
      ]);
      expect(new Set(result.toolCalls.map((call) => call.id)).size).toBe(2);
      expect(result.finish).toBe('tool-calls');
    },
  },
  {
    name: 'a named tool forced',
    request: (model) => ({
      model,
      prompt,
      stream: false,
      tools: [weather, clock],
      toolChoice: { name: 'get_time' },
    }),
    check(outcome) {
      const result = answer(outcome);
      expect(result.toolCalls.map((call) => call.name)).toEqual(['get_time']);
    },
  },
  {
    name: 'JSON schema output',
    request: (model) => ({
      model,
      prompt,
      stream: false,
      jsonSchema: {
        type: 'object',
        properties: { summary: { type: 'string' } },
        required: ['summary'],
        additionalProperties: false,
      },
    }),
    check(outcome) {
      const result = answer(outcome);
      expect(JSON.parse(result.text)).toEqual({ summary: prompt });
    },
  },
  ...[false, true].map((stream): Scenario => ({
    name: stream ? 'stopped at the output limit, streamed' : 'stopped at the output limit',
    // 16: the smallest output limit every provider accepts (the Responses API's floor).
    request: (model) => ({ model, prompt: longPrompt, stream, maxTokens: 16 }),
    check(outcome) {
      const result = answer(outcome);
      expect(result.text).toBe(splitIntoTokens(longPrompt).slice(0, 16).join(''));
      expect(result.finish).toBe('length');
    },
  })),
  {
    name: 'a 429 with Retry-After',
    request: (model) => ({ model, prompt: '!mock status=429 retry_after=3', stream: true }),
    check(outcome) {
      expect(outcome).toMatchObject({
        kind: 'error',
        status: 429,
        code: 'SB_ERR_UPSTREAM_RATE_LIMITED',
        retryAfter: '3',
      });
    },
  },
  {
    name: 'a 500',
    request: (model) => ({ model, prompt: '!mock status=500', stream: false }),
    check(outcome) {
      expect(outcome).toMatchObject({ kind: 'error', status: 502, code: 'SB_ERR_UPSTREAM_ERROR' });
    },
  },
  {
    name: 'a 400 from the provider',
    request: (model) => ({ model, prompt: '!mock status=400', stream: false }),
    check(outcome) {
      expect(outcome).toMatchObject({
        kind: 'error',
        status: 400,
        code: 'SB_ERR_UPSTREAM_REJECTED_REQUEST',
      });
    },
  },
];

describe.each(Object.keys(ingressClients))('%s ingress', (ingress) => {
  const client = ingressClients[ingress];
  describe.each(egressDialects)('to %s', (egress) => {
    it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
      '%s',
      async (_name, scenario) => {
        if (client === undefined) throw new Error(`no client for ${ingress}`);
        const outcome = await client(harness.url, key, scenario.request(`${egress}/echo`));
        scenario.check(outcome);
      },
    );
  });
});
