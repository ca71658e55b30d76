import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// `chat` prefers the cheaper deployment; `pricey` has a prompt cache that reads at a tenth of its
// input price. Once a conversation was served by `pricey`, a long history is cheaper to re-read
// there from its cache than uncached on `cheap`.
const config = `
providers:
  - id: cheap
    type: mock
    model_facts: { echo: { price: { input: 1, output: 1 } } }
  - id: pricey
    type: mock
    model_facts: { echo: { price: { input: 3, output: 4, cache_read: 0.3 } } }
routing:
  retries: { max_retries: 0 }
models:
  - alias: chat
    strategy: lowest-cost
    session_affinity: { ttl_seconds: 600 }
    targets:
      - { provider: cheap, model: echo }
      - { provider: pricey, model: echo }
`;

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

const history = Array.from({ length: 6 }, (_, index) => [
  { role: 'user', content: `question ${index}: ${'background material '.repeat(200)}` },
  { role: 'assistant', content: `answer ${index}` },
]).flat();

async function send(messages: unknown[], session?: string) {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${testAdminKey}`,
      'content-type': 'application/json',
      ...(session === undefined ? {} : { 'x-signalbox-session': session }),
    },
    body: JSON.stringify({ model: 'chat', max_tokens: 50, messages }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-signalbox-request-id');
  const record = await harness.waitForRecord((entry) => entry.requestId === id);
  return { deployment: record.deployment, session: record.decision?.groups[0]?.session };
}

describe('prompt-cache-aware sessions', () => {
  it('keeps a conversation where its prompt cache is warm, and says why', async () => {
    // The first turn fails on `cheap`, so `pricey` serves it and its cache holds the conversation.
    const first = await send(
      [{ role: 'user', content: '!mock:cheap status=500\nhello' }],
      'conv-1',
    );
    expect(first.deployment).toBe('pricey/echo');
    expect(first.session).toBeUndefined();

    const second = await send([...history, { role: 'user', content: 'and now?' }], 'conv-1');
    expect(second.deployment).toBe('pricey/echo');
    expect(second.session).toMatchObject({ warm: 'pricey/echo', kept: true, reason: 'cache-warm' });
    expect(second.session?.stayUsd).toBeLessThan(second.session?.switchUsd ?? 0);
  });

  it('moves when switching is cheaper: a short prefix costs little to re-read', async () => {
    await send([{ role: 'user', content: '!mock:cheap status=500\nhi' }], 'conv-2');
    const next = await send(
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'what next?' },
      ],
      'conv-2',
    );
    expect(next.deployment).toBe('cheap/echo');
    expect(next.session).toMatchObject({
      warm: 'pricey/echo',
      kept: false,
      reason: 'switch-saves',
    });
  });

  it('recognises a conversation by its opening when no session header is sent', async () => {
    const opening = { role: 'user', content: `opening ${'context '.repeat(300)}` };
    // A first turn has no key (nothing is cached yet); from the second turn on, the opening names
    // the conversation. This second turn fails on `cheap`, so `pricey` serves and is remembered.
    const second = await send([
      opening,
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: '!mock:cheap status=500\nmore' },
    ]);
    expect(second.deployment).toBe('pricey/echo');
    expect(second.session).toBeUndefined();
    const third = await send([
      opening,
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'more' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'and more' },
    ]);
    expect(third.session).toMatchObject({ warm: 'pricey/echo', kept: true });
    expect(third.deployment).toBe('pricey/echo');
  });

  it("reports routing savings against the alias's strongest deployment", async () => {
    const served = harness.records.filter((record) => record.requestedModel === 'chat');
    interface Report {
      object: string;
      data: { model: string; requests: number; cost_usd: number; baseline_usd: number }[];
    }
    const read = async (): Promise<Report> => {
      const response = await harness.admin('GET', '/admin/routing/savings?group_by=model');
      expect(response.status).toBe(200);
      return (await response.json()) as Report;
    };
    // Ledger rows are written in batches, a moment after the response.
    let report = await read();
    for (let tries = 0; tries < 50 && report.data[0]?.requests !== served.length; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      report = await read();
    }
    expect(report.object).toBe('routing_savings');
    const [row] = report.data;
    expect(row?.model).toBe('chat');
    expect(row?.requests).toBe(served.length);
    // Some turns were served by `cheap`, so the baseline (everything on `pricey`) costs more.
    const cost = served.reduce((sum, record) => sum + (record.costUsd ?? 0), 0);
    expect(row?.cost_usd).toBeCloseTo(cost, 9);
    expect(row?.baseline_usd).toBeGreaterThan(row?.cost_usd ?? Infinity);
  });
});
