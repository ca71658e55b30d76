import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// `assistant` answers on `general` unless the last user message is like a route's utterances.
const config = `
providers:
  - { id: general, type: mock }
  - { id: coders, type: mock }
  - { id: billing, type: mock }
models:
  - alias: assistant
    semantic_routes:
      routes:
        - name: code
          route_to: coder
          utterances:
            - write a python function that sorts a list
            - fix the bug in my javascript code
            - why does my rust program not compile
        - name: billing
          route_to: cheap
          threshold: 0.7
          utterances:
            - how do I update my credit card
            - cancel my subscription
            - why was I charged twice on my invoice
    targets: [{ provider: general, model: echo }]
  - alias: coder
    targets: [{ provider: coders, model: echo }]
  - alias: cheap
    targets: [{ provider: billing, model: echo }]
`;

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

async function ask(content: string) {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'assistant',
      messages: [
        { role: 'user', content: 'earlier question about invoices and credit cards' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content },
      ],
    }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-signalbox-request-id');
  const record = await harness.waitForRecord((entry) => entry.requestId === id);
  return {
    provider: response.headers.get('x-signalbox-provider'),
    route: response.headers.get('x-signalbox-route'),
    semantic: record.decision?.groups[0]?.semantic,
  };
}

describe('semantic routes', () => {
  it('sends a request like a route utterance to that route, by the last user message', async () => {
    const answer = await ask('My JavaScript code has a bug, can you fix it?');
    expect(answer.provider).toBe('coders');
    expect(answer.route).toContain('semantic:code');
    expect(answer.semantic?.route).toBe('code');
    expect(answer.semantic?.similarity).toBeGreaterThanOrEqual(0.5);
  });

  it("applies a route's own threshold", async () => {
    const answer = await ask('please cancel my subscription today');
    expect(answer.provider).toBe('billing');
    expect(answer.semantic?.threshold).toBe(0.7);
  });

  it("falls back to the group's own targets when nothing is similar enough", async () => {
    const answer = await ask('What is the capital of France?');
    expect(answer.provider).toBe('general');
    expect(answer.semantic?.route).toBeUndefined();
    expect(answer.semantic?.similarity).toBeLessThan(0.5);
    expect(answer.semantic?.nearest).toBeDefined();
  });
});
