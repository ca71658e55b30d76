import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// An OpenAI-compatible upstream that keeps every request body it receives.
const bodies: Record<string, unknown>[] = [];
let upstream: Server;
let harness: TestGateway;

function answer(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
}

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(answer(String(body.model)));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  harness = await startTestGateway({
    config: `
providers:
  - id: local
    type: openai-compatible
    base_url: http://127.0.0.1:${port}/v1
    model_facts:
      thinker: { reasoning: true }
      plain: { reasoning: false }
models:
  - alias: solver
    rules:
      - { name: deep, when: 'request.max_tokens >= 2000', reasoning_effort: high }
    targets: [{ provider: local, model: thinker }]
  - alias: plain-solver
    rules:
      - { name: deep, when: 'request.max_tokens >= 2000', reasoning_effort: high }
    targets: [{ provider: local, model: plain }]
`,
  });
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.close(resolve));
});

async function ask(model: string, extra: Record<string, unknown>) {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'prove it' }], ...extra }),
  });
  expect(response.status).toBe(200);
  const id = response.headers.get('x-signalbox-request-id');
  const record = await harness.waitForRecord((entry) => entry.requestId === id);
  return { sent: bodies[bodies.length - 1], reasoning: record.decision?.reasoning };
}

describe('reasoning effort set by routing', () => {
  it('gives a matching request the rule effort on a model that reasons', async () => {
    const { sent, reasoning } = await ask('solver', { max_tokens: 3000 });
    expect(sent?.reasoning_effort).toBe('high');
    expect(reasoning).toEqual({ settings: { effort: 'high' }, source: 'rule:deep' });
  });

  it('leaves requests the rule does not match alone', async () => {
    const { sent, reasoning } = await ask('solver', { max_tokens: 100 });
    expect(sent).not.toHaveProperty('reasoning_effort');
    expect(reasoning).toBeUndefined();
  });

  it("keeps the client's own effort", async () => {
    const { sent } = await ask('solver', { max_tokens: 3000, reasoning_effort: 'low' });
    expect(sent?.reasoning_effort).toBe('low');
  });

  it('never sends reasoning settings to a model that does not reason', async () => {
    const { sent, reasoning } = await ask('plain-solver', { max_tokens: 3000 });
    expect(reasoning?.source).toBe('rule:deep');
    expect(sent).not.toHaveProperty('reasoning_effort');
    expect(sent?.max_tokens ?? sent?.max_completion_tokens).toBe(3000);
  });
});
