import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let primary: MockProviderServer;
let secondary: MockProviderServer;
let harness: TestGateway;
let appKey: string;

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  primary = await startMockProvider({ name: 'primary' });
  secondary = await startMockProvider({ name: 'secondary' });
  const deadPort = await closedPort();
  harness = await startTestGateway({
    // Streams and errors are under test here, not routing policy: no retries, no breaker.
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
providers:
  - { id: dead, type: openai-compatible, base_url: "http://127.0.0.1:${deadPort}/v1", timeouts: { connect_ms: 500 } }
  - id: primary
    type: openai-compatible
    base_url: ${primary.baseUrl}
    models: [echo]
    timeouts: { first_byte_ms: 600, idle_ms: 300, total_ms: 5000 }
  - { id: secondary, type: openai-compatible, base_url: "${secondary.baseUrl}", models: [fast] }
models:
  - alias: resilient
    targets:
      - { provider: dead, model: echo }
      - { provider: primary, model: echo }
      - { provider: secondary, model: fast }
  - alias: primary-first
    targets:
      - { provider: primary, model: echo }
      - { provider: secondary, model: fast }
`,
  });
  appKey = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await primary.close();
  await secondary.close();
});

function chat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function dataEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
}

describe('ordered fallback before the first byte', () => {
  it('skips a refused connection and answers from the next target', async () => {
    const response = await chat({
      model: 'resilient',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-provider')).toBe('primary');
    expect(response.headers.get('x-signalbox-attempts')).toBe('2');
    const record = await harness.waitForRecord((entry) => entry.requestedModel === 'resilient');
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['dead', 'SB_ERR_UPSTREAM_CONNECTION'],
      ['primary', undefined],
    ]);
  });

  it.each(['status=429', 'status=500', 'status=503', 'delay_ms=1000', 'malformed=html'])(
    'falls back when the first target answers %s',
    async (directive) => {
      const response = await chat({
        model: 'primary-first',
        messages: [{ role: 'user', content: `!mock:primary ${directive}` }],
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-signalbox-provider')).toBe('secondary');
      expect(
        ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]
          ?.message.content,
      ).toBe('Hello from Signalbox.');
    },
  );

  it('does not fall back when the provider rejects the request itself', async () => {
    const response = await chat({
      model: 'primary-first',
      messages: [{ role: 'user', content: '!mock status=400' }],
    });
    expect(response.status).toBe(400);
    expect(
      ((await response.json()) as { error: { code: string; message: string } }).error,
    ).toMatchObject({
      code: 'SB_ERR_UPSTREAM_REJECTED_REQUEST',
      message: 'The model provider rejected the request. Provider error code: invalid_request.',
    });
  });

  it('falls back on a stream that fails before its first event', async () => {
    const response = await chat({
      model: 'primary-first',
      stream: true,
      messages: [{ role: 'user', content: '!mock:primary disconnect_after=0' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-provider')).toBe('secondary');
    expect(dataEvents(await response.text()).at(-1)).toBe('[DONE]');
  });
});

describe('failures after the stream has started', () => {
  async function streamOutcome(content: string) {
    const response = await chat({
      model: 'primary-first',
      stream: true,
      messages: [{ role: 'user', content }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-signalbox-provider')).toBe('primary');
    const events = dataEvents(await response.text());
    return { events, last: events.at(-1) ?? '' };
  }

  it.each([
    [
      'a mid-stream disconnect',
      '!mock disconnect_after=3\nsome words to stream here',
      'SB_ERR_UPSTREAM_CONNECTION',
    ],
    [
      'a stall longer than the idle timeout',
      '!mock stall_after=2 stall_ms=2000\nsome words here',
      'SB_ERR_UPSTREAM_TIMEOUT',
    ],
    [
      'a chunk that is not JSON',
      '!mock stall_after=2 stall_ms=50 malformed=bad-json\nsome words',
      'SB_ERR_UPSTREAM_INVALID_RESPONSE',
    ],
    [
      'an upstream error chunk',
      '!mock stall_after=2 stall_ms=50 malformed=error-chunk\nsome words',
      'SB_ERR_UPSTREAM_ERROR',
    ],
    [
      'a stream cut before it finished',
      '!mock malformed=truncated\nsome more words here',
      'SB_ERR_UPSTREAM_ERROR',
    ],
  ])(
    'turns %s into one error event and a clean end, without a fake [DONE]',
    async (_name, content, code) => {
      const { events, last } = await streamOutcome(content);
      expect(events.length).toBeGreaterThan(1);
      expect(events).not.toContain('[DONE]');
      const error = JSON.parse(last) as { error: { code: string; message: string } };
      expect(error.error.code).toBe(code);
      expect(last).not.toContain('Upstream secret detail');
    },
  );

  it.each(['crlf', 'comments', 'split', 'no-done'])(
    'relays a valid but unusual stream (%s) intact',
    async (kind) => {
      const { events } = await streamOutcome(`!mock malformed=${kind}\nexactly these words`);
      const text = events
        .filter((event) => event !== '[DONE]')
        .map(
          (event) =>
            (JSON.parse(event) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
              .content ?? '',
        )
        .join('');
      expect(text).toBe('exactly these words');
    },
  );
});

describe('a failure in the same read as the first events', () => {
  it('falls back, because nothing had reached the client yet', async () => {
    const response = await chat({
      model: 'primary-first',
      stream: true,
      messages: [{ role: 'user', content: '!mock:primary malformed=bad-json burst\nwords' }],
    });
    expect(response.headers.get('x-signalbox-provider')).toBe('secondary');
    expect(dataEvents(await response.text()).at(-1)).toBe('[DONE]');
  });
});

describe('slow readers', () => {
  it('does not read ahead of a client that stops reading', async () => {
    const response = await chat({
      model: 'primary-first',
      stream: true,
      messages: [{ role: 'user', content: '!mock tokens=20000\nflood' }],
    });
    const reader = response.body?.getReader();
    await reader?.read();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const memoryBefore = process.memoryUsage().rss;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The stream is ~9 MB; a gateway buffering it all would grow by that much while we wait.
    expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(8 * 1024 * 1024);
    await reader?.cancel();
  });
});
