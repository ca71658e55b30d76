import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 E1, E3, E4, E6, E7 and B9: the input policy runs on every model route, streamed or
// not, for every kind of caller, wherever the text sits in the body (system, parts, tool calls,
// tool results, instructions); and the output guard never lets a term through a stream however
// it is split (one character per event, a UTF-8 character split across network writes).

const policy = `
name: codenames
detectors:
  time_budget_ms: 2000
  words: [{ class: codename, words: [bluebird, blåbær] }]
rules:
  - name: no-codenames
    when: { data_classes: [codename] }
    action: deny
    reason: Project codenames stay inside.
  - name: mask-cards
    when: { data_classes: [payment_card] }
    action: redact
    redact: { classes: [payment_card] }
output: { data_classes: [codename], action: mask }
`;

/** An OpenAI-style upstream that streams its answer one character per event, byte by byte. */
interface SplittingUpstream {
  readonly url: string;
  readonly server: Server;
}

async function startSplittingUpstream(answer: string): Promise<SplittingUpstream> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      void (async () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
          `data: ${JSON.stringify({
            id: 'c1',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'split',
            choices: [{ index: 0, delta, finish_reason: finish }],
          })}\n\n`;
        response.write(frame({ role: 'assistant', content: '' }));
        for (const character of answer) {
          // Write each event's bytes one at a time, so multibyte characters arrive in pieces.
          for (const byte of Buffer.from(frame({ content: character }))) {
            response.write(Buffer.from([byte]));
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        response.write(frame({}, 'stop'));
        response.end('data: [DONE]\n\n');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, server };
}

let mock: MockProviderServer;
let splitting: SplittingUpstream;
let harness: TestGateway;
let virtualKey: string;

beforeAll(async () => {
  mock = await startMockProvider();
  splitting = await startSplittingUpstream('say bluebird, then blåbær, then Bluebird.');
  harness = await startTestGateway({
    config: `
providers:
  - { id: up, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo, embed] }
  - { id: split, type: openai-compatible, base_url: "${splitting.url}", models: [split] }
`,
  });
  virtualKey = await harness.createKey();
  const applied = await fetch(`${harness.url}/admin/policy`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
    body: policy,
  });
  expect(applied.status).toBe(201);
});

afterAll(async () => {
  await harness.close();
  await mock.close();
  await new Promise((resolve) => splitting.server.close(resolve));
});

/** Every model route, with the text placed in each part of the body a policy must read. */
function cells(text: string): (readonly [string, string, Record<string, unknown>])[] {
  const chat = (messages: unknown[], extra: Record<string, unknown> = {}) => ({
    model: 'up/echo',
    messages,
    ...extra,
  });
  const toolCall = (args: string) => ({
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }],
  });
  const anthropic = (extra: Record<string, unknown>) => ({
    model: 'up/echo',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
  return [
    ['chat: user', '/v1/chat/completions', chat([{ role: 'user', content: text }])],
    [
      'chat: user, streamed',
      '/v1/chat/completions',
      chat([{ role: 'user', content: text }], { stream: true }),
    ],
    [
      'chat: system',
      '/v1/chat/completions',
      chat([
        { role: 'system', content: text },
        { role: 'user', content: 'hi' },
      ]),
    ],
    [
      'chat: content part',
      '/v1/chat/completions',
      chat([{ role: 'user', content: [{ type: 'text', text }] }]),
    ],
    [
      'chat: tool-call arguments',
      '/v1/chat/completions',
      chat([
        { role: 'user', content: 'hi' },
        toolCall(JSON.stringify({ q: text })),
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ]),
    ],
    [
      'chat: tool result',
      '/v1/chat/completions',
      chat([
        { role: 'user', content: 'hi' },
        toolCall('{}'),
        { role: 'tool', tool_call_id: 'c1', content: text },
      ]),
    ],
    ['responses: input', '/v1/responses', { model: 'up/echo', input: text }],
    [
      'responses: input, streamed',
      '/v1/responses',
      { model: 'up/echo', input: text, stream: true },
    ],
    [
      'responses: instructions',
      '/v1/responses',
      { model: 'up/echo', input: 'hi', instructions: text },
    ],
    [
      'responses: input part',
      '/v1/responses',
      { model: 'up/echo', input: [{ role: 'user', content: [{ type: 'input_text', text }] }] },
    ],
    ['messages: user', '/v1/messages', anthropic({ messages: [{ role: 'user', content: text }] })],
    [
      'messages: user, streamed',
      '/v1/messages',
      anthropic({ messages: [{ role: 'user', content: text }], stream: true }),
    ],
    ['messages: system', '/v1/messages', anthropic({ system: text })],
    [
      'messages: tool_use input',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't1', name: 'f', input: { q: text } }],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        ],
      }),
    ],
    [
      'messages: tool_result',
      '/v1/messages',
      anthropic({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: text }] },
        ],
      }),
    ],
    [
      'count_tokens',
      '/v1/messages/count_tokens',
      { model: 'up/echo', messages: [{ role: 'user', content: text }] },
    ],
    ['embeddings', '/v1/embeddings', { model: 'up/embed', input: text }],
    ['embeddings: list', '/v1/embeddings', { model: 'up/embed', input: ['x', text] }],
    ['route', '/v1/route', chat([{ role: 'user', content: text }])],
    [
      'route: messages',
      '/v1/route/messages',
      anthropic({ messages: [{ role: 'user', content: text }] }),
    ],
    ['route: responses', '/v1/route/responses', { model: 'up/echo', input: text }],
  ];
}

async function send(
  path: string,
  key: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const response = await fetch(harness.url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('E1/E6/B9: the input policy on every route, body part and caller', () => {
  it('denies the term in every cell, for the admin key and a virtual key, and sends nothing', async () => {
    const before = mock.requests.length;
    const table = cells('the bluebird plan');
    expect(table.map((cell) => cell[1]).sort()).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/v1/responses',
        '/v1/messages',
        '/v1/messages/count_tokens',
        '/v1/embeddings',
        '/v1/route',
        '/v1/route/messages',
        '/v1/route/responses',
      ]),
    );
    for (const [name, path, body] of table) {
      for (const [caller, key] of [
        ['admin key', testAdminKey],
        ['virtual key', virtualKey],
      ] as const) {
        const answer = await send(path, key, body);
        expect(answer.status, `${name} as ${caller}`).toBe(403);
        expect(answer.text, `${name} as ${caller}`).toContain('Project codenames stay inside.');
      }
    }
    expect(mock.requests.length).toBe(before);
  });

  it('serves the same cells without the term (so each 403 above is the policy)', async () => {
    for (const [name, path, body] of cells('the sparrow plan')) {
      const answer = await send(path, virtualKey, body);
      expect(answer.status, `${name}: ${answer.text.slice(0, 200)}`).toBe(200);
    }
  });

  it('E7: sees through case, zero-width and soft-hyphen tricks', async () => {
    for (const text of ['BLUEBIRD', 'blue\u200bbird', 'Blue\u00adbird', 'b\u200dluebird']) {
      const answer = await send('/v1/chat/completions', virtualKey, {
        model: 'up/echo',
        messages: [{ role: 'user', content: `the ${text} plan` }],
      });
      expect(answer.status, JSON.stringify(text)).toBe(403);
    }
  });
});

describe('E3: redaction on every API shape, streamed or not', () => {
  it('masks a card number before any provider sees it, wherever the body puts it', async () => {
    const card = '4111 1111 1111 1111';
    const redacted = cells(`pay with ${card} today`).filter(
      ([, path]) => !path.startsWith('/v1/route') && !path.endsWith('/count_tokens'),
    );
    expect(redacted.length).toBeGreaterThanOrEqual(15);
    for (const [name, path, body] of redacted) {
      const before = mock.requests.length;
      const answer = await send(path, virtualKey, body);
      expect(answer.status, `${name}: ${answer.text.slice(0, 200)}`).toBe(200);
      const upstream = mock.requests.slice(before);
      expect(upstream.length, name).toBe(1);
      const received = upstream.map((request) => request.body).join('\n');
      expect(received.replace(/\\u0020/g, ' '), name).not.toContain(card);
      expect(received, name).not.toContain('4111111111111111');
      expect(answer.text, name).not.toContain(card);
    }
  });
});

describe('E4: the output guard on a stream split one character per event', () => {
  it('never lets the joined term reach the client, ASCII or multibyte', async () => {
    const response = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'split/split',
        stream: true,
        messages: [{ role: 'user', content: 'go' }],
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const content = text
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]
            ?.delta?.content ?? '',
      )
      .join('');
    expect(content).toBe('say [CODENAME], then [CODENAME], then [CODENAME].');
    expect(text.toLowerCase()).not.toContain('bluebird');
    expect(text).not.toContain('blåbær');
  });
});
