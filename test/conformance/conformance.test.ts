import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { egressProviderYaml, testProviderEnvironment } from './egress-providers.ts';
import { fixtureDialects, readFixtures, type Fixture } from './fixture-file.ts';
import { ingressClients, type ClientOutcome, type ScenarioRequest } from './ingress-clients.ts';
import { startReplayUpstream, type ReplayUpstream } from './replay-upstream.ts';

const dialects = fixtureDialects();
let upstream: ReplayUpstream;
let harness: TestGateway;
let key: string;

beforeAll(async () => {
  upstream = await startReplayUpstream();
  harness = await startTestGateway({
    // Translation is under test here, not routing: no retries, no breaker.
    config: `routing:\n  retries: { max_retries: 0 }\n  breaker: { min_requests: 100000 }\n  cooldown_ms: 0\nproviders:\n${dialects.map((dialect) => egressProviderYaml(dialect, upstream.origin)).join('\n')}\n`,
    environment: testProviderEnvironment,
  });
  key = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function scenario(fixture: Fixture): ScenarioRequest {
  return {
    model: `${fixture.dialect}/conformance-model`,
    prompt: 'Conformance check.',
    stream: fixture.stream,
    ...(fixture.offersTools ? { tools: [weatherTool] } : {}),
  };
}

/** Checks what a client saw against the fixture's expectation, in that client's terms. */
function check(ingress: string, fixture: Fixture, outcome: ClientOutcome): void {
  if (fixture.error !== undefined) {
    expect(outcome.kind, JSON.stringify(outcome)).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.status).toBe(fixture.error.status);
    expect(outcome.code).toBe(fixture.error.code);
    if (fixture.error.retryAfter !== undefined)
      expect(outcome.retryAfter).toBe(fixture.error.retryAfter);
    // Upstream error text never reaches the client.
    expect(JSON.stringify(outcome.body)).not.toMatch(/upstream secret|sk-live/i);
    return;
  }
  const expected = fixture.expect;
  expect(outcome.kind, JSON.stringify(outcome)).toBe('answer');
  if (outcome.kind !== 'answer' || expected === undefined) return;
  // Anthropic's format has no refusal block: a translated refusal arrives as text (a same-dialect
  // answer is forwarded as it came, explanation outside the content).
  const translatedRefusal = ingress === 'anthropic-messages' && fixture.dialect !== ingress;
  const expectedText = (expected.text ?? '') + (translatedRefusal ? (expected.refusal ?? '') : '');
  expect(outcome.text).toBe(expectedText);
  if (ingress !== 'anthropic-messages') expect(outcome.refusal).toBe(expected.refusal ?? '');
  expect(outcome.reasoning).toBe(expected.reasoning ?? '');
  expect(outcome.toolCalls.map((call) => ({ name: call.name, arguments: call.arguments }))).toEqual(
    expected.toolCalls ?? [],
  );
  expect(outcome.finish).toBe(expected.finish);
  const usage = expected.usage;
  if (usage !== undefined) {
    if (usage.input !== undefined) expect(outcome.usage.input).toBe(usage.input);
    if (usage.output !== undefined) expect(outcome.usage.output).toBe(usage.output);
    if (usage.cacheRead !== undefined) expect(outcome.usage.cacheRead).toBe(usage.cacheRead);
    if (usage.cacheWrite !== undefined && ingress === 'anthropic-messages') {
      expect(outcome.usage.cacheWrite).toBe(usage.cacheWrite);
    }
    if (usage.reasoning !== undefined && ingress === 'openai-chat') {
      expect(outcome.usage.reasoning).toBe(usage.reasoning);
    }
  }
}

describe.each(dialects)('conformance fixtures of %s', (dialect) => {
  const fixtures = readFixtures(dialect);
  for (const [ingress, client] of Object.entries(ingressClients)) {
    // Same-dialect pairs forward bytes; their fixtures check pass-through as well.
    it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
      `%s through the ${ingress} ingress`,
      async (_name, fixture) => {
        upstream.serve(fixture.response);
        const outcome = await client(harness.url, key, scenario(fixture));
        check(ingress, fixture, outcome);
      },
    );
  }
});
