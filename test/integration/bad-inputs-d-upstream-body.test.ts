import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 D7: nothing the gateway knows about the caller (key text, key id, key name,
// tags, metadata, team, the client's credential or trace headers) is added to what a provider
// receives. The mock records each request exactly as it arrived.

let mock: MockProviderServer;
let harness: TestGateway;
let key: { key: string; id: string };

beforeAll(async () => {
  mock = await startMockProvider();
  harness = await startTestGateway({
    config: `
providers:
  - { id: up, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
`,
  });
  const created = await harness.admin('POST', '/admin/keys', {
    name: 'internal-key-name-d7',
    tags: ['internal-tag-d7'],
    metadata: { cost_center: 'internal-cost-center-d7' },
  });
  key = (await created.json()) as { key: string; id: string };
});

afterAll(async () => {
  await harness.close();
  await mock.close();
});

describe('D7: what reaches the provider', () => {
  it('carries the client request fields only, never gateway-internal ones', async () => {
    const requests: [string, Record<string, unknown>][] = [
      [
        '/v1/chat/completions',
        { model: 'up/echo', messages: [{ role: 'user', content: 'hi' }], user: 'end-user-d7' },
      ],
      [
        '/v1/chat/completions',
        { model: 'up/echo', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      ],
      [
        '/v1/messages',
        { model: 'up/echo', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
      ],
      ['/v1/responses', { model: 'up/echo', input: 'hi' }],
    ];
    const internal = [
      key.key,
      key.id,
      'internal-key-name-d7',
      'internal-tag-d7',
      'internal-cost-center-d7',
      'client-trace-d7',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      'signalbox_session',
    ];
    for (const [path, body] of requests) {
      const before = mock.requests.length;
      const response = await fetch(harness.url + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key.key}`,
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'vendor=client-trace-d7',
          cookie: 'signalbox_session=abc',
        },
        body: JSON.stringify(body),
      });
      expect(response.status, path).toBe(200);
      await response.text();
      const sent = mock.requests.slice(before);
      expect(sent.length, path).toBe(1);
      const upstream = sent[0];
      if (upstream === undefined) throw new Error('nothing reached the provider');
      const seen = `${upstream.body}\n${JSON.stringify(upstream.headers)}`;
      expect(
        internal.filter((value) => seen.includes(value)),
        path,
      ).toEqual([]);
      expect(upstream.headers.authorization, path).toBeUndefined();
      expect(upstream.headers.cookie, path).toBeUndefined();
      // The body's fields are the client's (translated), nothing the gateway invented.
      const fields = Object.keys(JSON.parse(upstream.body) as Record<string, unknown>);
      const allowed = ['model', 'messages', 'user', 'stream', 'stream_options', 'max_tokens'];
      expect(
        fields.filter((field) => !allowed.includes(field)),
        path,
      ).toEqual([]);
    }
  });
});
