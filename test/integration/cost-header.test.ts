import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({
    config: `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 2.5, output: 10 } } }
`,
  });
});

afterAll(async () => {
  await harness.close();
});

function chat(stream: boolean): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      stream,
      messages: [{ role: 'user', content: 'What does this cost?' }],
    }),
  });
}

describe('x-signalbox-cost-usd', () => {
  it('prices a complete answer from the usage the provider reported', async () => {
    const response = await chat(false);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const expected = (body.usage.prompt_tokens * 2.5 + body.usage.completion_tokens * 10) / 1e6;
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    const header = response.headers.get('x-signalbox-cost-usd');
    expect(header).toMatch(/^\d+(\.\d+)?$/);
    expect(Number(header)).toBeCloseTo(expected, 8);
    const record = await harness.waitForRecord((entry) => entry.requestedModel === 'priced/echo');
    expect(record.costUsd).toBeCloseTo(expected, 10);
  });

  it('leaves a stream without the header (its cost is known only at the end, in the record)', async () => {
    const response = await chat(true);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-cost-usd')).toBeNull();
    await response.text();
    const record = await harness.waitForRecord(
      (entry) => entry.requestedModel === 'priced/echo' && entry.stream,
    );
    expect(record.costUsd).toBeGreaterThan(0);
  });
});
