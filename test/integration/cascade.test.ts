import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// Every cascade tries `cheap` (echoes the prompt) first and `strong` second. Output is priced so
// that each mock's share of a bill can be told apart: $0.001 per cheap token, $0.002 per strong
// token, input free. `judge/echo` echoes the exchange it is shown, so its "score" is the first
// number of the question.
const config = `
providers:
  - id: cheap
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: strong
    type: mock
    model_facts:
      fast: { price: { input: 0, output: 2000 } }
      echo: { price: { input: 0, output: 2000 } }
  - id: judge
    type: mock
    model_facts: { echo: { price: { input: 0, output: 4000 } } }
models:
  - alias: tiered
    strategy: priority
    targets:
      - { provider: cheap, model: echo, priority: 0 }
      - { provider: strong, model: fast, priority: 1 }
    cascade: {}
  - alias: tiered-json
    targets:
      - { provider: cheap, model: echo }
      - { provider: strong, model: echo }
    cascade: { refusal_check: false }
  - alias: judged
    targets:
      - { provider: cheap, model: echo }
      - { provider: strong, model: fast }
    cascade: { judge: { model: judge/echo, threshold: 0.7 } }
  - alias: billed
    targets:
      - { provider: cheap, model: echo }
      - { provider: strong, model: fast }
    cascade: {}
  - alias: plain
    targets:
      - { provider: cheap, model: echo }
      - { provider: strong, model: fast }
budgets:
  - { scope: model, match: billed, usd: 100, period: day }
`;

const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
  required: ['city', 'population'],
  additionalProperties: false,
};

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

function chat(
  model: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });
}

async function recordOf(response: Response) {
  const id = response.headers.get('x-signalbox-request-id');
  return harness.waitForRecord((record) => record.requestId === id);
}

async function answerOf(response: Response): Promise<string> {
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? '';
}

function dataEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
}

interface SpendRow {
  requests: number;
  cost_usd: number;
  output_tokens: number;
}

async function spendOf(model: string): Promise<SpendRow | undefined> {
  const response = await harness.admin('GET', `/admin/spend?group_by=model&model=${model}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: SpendRow[] }).data[0];
}

describe('model cascades', () => {
  it('serves an accepted cheap answer and never asks the strong tier', async () => {
    const response = await chat('tiered', 'Lisbon is the capital of Portugal.');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-deployment')).toBe('cheap/echo');
    expect(response.headers.get('x-signalbox-route')).toBe('cascade');
    expect(await answerOf(response)).toBe('Lisbon is the capital of Portugal.');
    const record = await recordOf(response);
    expect(record.attempts.map((attempt) => attempt.deployment)).toEqual(['cheap/echo']);
    expect(record.decision?.cascade).toMatchObject({
      group: 'tiered',
      escalated: false,
      tiers: [{ deployment: 'cheap/echo', accepted: true, final: false }],
    });
  });

  it('escalates a refusal to the strong tier, which the client sees as the answer', async () => {
    const response = await chat('tiered', "I'm sorry, but I can't help with that.");
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    expect(response.headers.get('x-signalbox-route')).toBe('cascade; escalated');
    expect(await answerOf(response)).toBe('Hello from Signalbox.');
    const record = await recordOf(response);
    expect(record.routeReason).toBe('cascade; escalated');
    expect(record.attempts.map((attempt) => [attempt.deployment, attempt.errorClass])).toEqual([
      ['cheap/echo', 'cascade-rejected'],
      ['strong/fast', undefined],
    ]);
    const tiers = record.decision?.cascade?.tiers ?? [];
    expect(tiers.map((tier) => [tier.deployment, tier.accepted, tier.final])).toEqual([
      ['cheap/echo', false, false],
      ['strong/fast', true, true],
    ]);
    expect(tiers[0]?.reasons.join(' ')).toMatch(/refus/);
  });

  it('escalates an empty answer', async () => {
    const response = await chat('tiered', '!mock:cheap tokens=0\nSay nothing.');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    const record = await recordOf(response);
    expect(record.decision?.cascade?.tiers[0]?.reasons.join(' ')).toMatch(/empty/);
  });

  it('escalates an answer that does not match the requested JSON schema', async () => {
    const format = {
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema } },
    };
    const accepted = await chat('tiered-json', 'Lisbon', format);
    expect(accepted.headers.get('x-signalbox-deployment')).toBe('cheap/echo');
    expect(JSON.parse(await answerOf(accepted))).toEqual({ city: 'Lisbon', population: 1 });

    const escalated = await chat('tiered-json', '!mock:cheap ignore_format\nOslo', format);
    expect(escalated.status).toBe(200);
    expect(escalated.headers.get('x-signalbox-deployment')).toBe('strong/echo');
    expect(JSON.parse(await answerOf(escalated))).toEqual({ city: 'Oslo', population: 1 });
    const record = await recordOf(escalated);
    expect(record.decision?.cascade?.tiers[0]?.reasons.join(' ')).toMatch(
      /json-schema: the answer does not match/,
    );
  });

  it('buffers a streamed request on the cheap tier and replays the accepted answer as SSE', async () => {
    const response = await chat('tiered', 'Streams are buffered on the cheap tier.', {
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-signalbox-deployment')).toBe('cheap/echo');
    const events = dataEvents(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map(
      (event) =>
        JSON.parse(event) as {
          object: string;
          choices: { delta: { content?: string } }[];
          usage?: { completion_tokens: number } | null;
        },
    );
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Streams are buffered on the cheap tier.');
    expect(chunks.some((chunk) => (chunk.usage?.completion_tokens ?? 0) > 0)).toBe(true);
    const record = await recordOf(response);
    expect(record.stream).toBe(true);
    expect(record.outcome).toBe('completed');
  });

  it('streams the strong tier directly after escalating a streamed request', async () => {
    const response = await chat('tiered', "I can't help with that.", { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    const events = dataEvents(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const text = events
      .slice(0, -1)
      .map(
        (event) =>
          (JSON.parse(event) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
            .content ?? '',
      )
      .join('');
    expect(text).toBe('Hello from Signalbox.');
  });

  it('charges both tiers of an escalated request to the ledger and the request record', async () => {
    const before = await spendOf('billed');
    const response = await chat('billed', "I can't assist with that request.");
    expect(response.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    const record = await recordOf(response);
    const strongTokens = record.usage?.outputTokens.total ?? 0;
    expect(strongTokens).toBeGreaterThan(0);
    await expect
      .poll(async () => (await spendOf('billed'))?.requests, { timeout: 5000 })
      .toBe((before?.requests ?? 0) + 1);
    const after = await spendOf('billed');
    const cheapTokens = (after?.output_tokens ?? 0) - (before?.output_tokens ?? 0) - strongTokens;
    // "I can't assist with that request." echoed: several tokens, charged at the cheap price.
    expect(cheapTokens).toBeGreaterThan(3);
    const charged = (after?.cost_usd ?? 0) - (before?.cost_usd ?? 0);
    expect(charged).toBeCloseTo(strongTokens * 0.002 + cheapTokens * 0.001, 9);
    expect(record.costUsd).toBeCloseTo(charged, 9);
    expect(response.headers.get('x-signalbox-cost-usd')).not.toBeNull();
  });

  it('does nothing of the sort on a group without a cascade', async () => {
    const response = await chat('plain', "I can't help with that.");
    expect(response.headers.get('x-signalbox-deployment')).toBe('cheap/echo');
    expect(response.headers.get('x-signalbox-route')).toBe('priority');
    expect((await recordOf(response)).decision?.cascade).toBeUndefined();
  });

  it('asks the judge model last and escalates below its threshold', async () => {
    const high = await chat('judged', '9');
    expect(high.headers.get('x-signalbox-deployment')).toBe('cheap/echo');
    const accepted = await recordOf(high);
    expect(accepted.decision?.cascade?.tiers[0]?.confidence).toBeCloseTo(0.9, 6);
    // The judge's call was paid for: the record's cost is more than the cheap answer alone.
    const cheapCost = (accepted.usage?.outputTokens.total ?? 0) * 0.001;
    expect(accepted.costUsd ?? 0).toBeGreaterThan(cheapCost);

    const low = await chat('judged', '2');
    expect(low.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    const escalated = await recordOf(low);
    expect(escalated.decision?.cascade?.tiers[0]?.reasons.join(' ')).toMatch(
      /judge score 0\.200 is below 0\.700/,
    );
  });

  it('escalates when the judge fails', async () => {
    const response = await chat('judged', '!mock:judge status=500\n9');
    expect(response.headers.get('x-signalbox-deployment')).toBe('strong/fast');
    const record = await recordOf(response);
    expect(record.decision?.cascade?.tiers[0]?.reasons.join(' ')).toMatch(/judge failed/);
  });
});
