import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRoutes } from '../../src/http/create-http-server.ts';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startCanaryServer, type CanaryServer } from '../helpers/canary-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let upstream: MockProviderServer;
let canary: CanaryServer;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  upstream = await startMockProvider();
  canary = await startCanaryServer();
  harness = await startTestGateway({
    config: `
providers:
  - { id: upstream, type: openai-compatible, base_url: "${upstream.baseUrl}", models: [echo, embed] }
`,
  });
  appKey = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
  await canary.close();
});

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(harness.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('the client never chooses a destination', () => {
  const base = { model: 'upstream/echo', messages: [{ role: 'user', content: 'hi' }] };
  const smuggled = (url: string) => [
    { ...base, api_base: url },
    { ...base, base_url: url },
    { ...base, api_key: 'sk-attacker' },
    { ...base, azure_endpoint: url },
    { ...base, custom_llm_provider: 'openai' },
    { ...base, extra_body: { api_base: url } },
    { ...base, metadata: { a: { b: [{ c: { base_url: url } }] } } },
    { ...base, litellm_embedding_config: { api_base: url } },
  ];

  it('rejects destination fields at any depth on chat and embeddings, and sends nothing anywhere', async () => {
    const before = upstream.requests.length;
    for (const body of smuggled(`${canary.url}/v1`)) {
      const chat = await post('/v1/chat/completions', body);
      expect(chat.status).toBe(400);
      expect(((await chat.json()) as { error: { code: string } }).error.code).toBe(
        'SB_ERR_REQUEST_DESTINATION_FIELD',
      );
      const embeddings = await post('/v1/embeddings', {
        ...body,
        model: 'upstream/embed',
        input: 'x',
      });
      expect(embeddings.status).toBe(400);
    }
    expect(canary.connections).toBe(0);
    expect(upstream.requests.length).toBe(before);
  });

  it('rejects custom-host headers', async () => {
    const response = await post('/v1/chat/completions', base, {
      'x-portkey-custom-host': canary.url,
    });
    expect(response.status).toBe(400);
    expect(canary.connections).toBe(0);
  });

  it('does not follow an upstream redirect, which carries credentials', async () => {
    const response = await post('/v1/chat/completions', {
      ...base,
      messages: [{ role: 'user', content: `!mock redirect=${canary.url}/steal` }],
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_UPSTREAM_REDIRECT',
    );
    expect(canary.connections).toBe(0);
  });
});

describe('every route has the same authentication', () => {
  it('refuses every non-health route without a key, and with a bad one', async () => {
    const routes = gatewayRoutes.filter((route) => route.access !== 'public');
    expect(routes.length).toBeGreaterThan(4);
    for (const route of routes) {
      const path = route.path.replace(':id', 'abc');
      for (const authorization of [
        undefined,
        'Bearer nope',
        "Bearer sk-sb-' OR '1'='1",
        'Basic YWRtaW46YWRtaW4=',
      ]) {
        const response = await fetch(harness.url + path, {
          method: route.method,
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(response.status, `${route.method} ${path} with ${authorization ?? 'no key'}`).toBe(
          401,
        );
      }
    }
  });

  it('refuses unknown routes without a key too, so nothing but health is served anonymously', async () => {
    for (const path of ['/nope', '/v1/../admin/keys', '/admin/keys/', '/v1/completions']) {
      expect((await fetch(harness.url + path)).status).toBe(401);
    }
    expect((await fetch(`${harness.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${harness.url}/health/ready`)).status).toBe(200);
  });

  it('keeps virtual keys out of admin routes', async () => {
    for (const [method, path] of [
      ['GET', '/admin/keys'],
      ['POST', '/admin/keys'],
      ['DELETE', '/admin/keys/abc'],
    ] as const) {
      const response = await fetch(harness.url + path, {
        method,
        headers: { authorization: `Bearer ${appKey}` },
      });
      expect(response.status).toBe(403);
    }
  });

  it('answers 404 and 405 for authenticated calls to unknown paths and methods', async () => {
    const headers = { authorization: `Bearer ${appKey}` };
    expect((await fetch(`${harness.url}/v1/nope`, { headers })).status).toBe(404);
    const wrong = await fetch(`${harness.url}/v1/chat/completions`, { headers });
    expect(wrong.status).toBe(405);
  });
});

describe('what a response carries', () => {
  it('gives every response, errors included, a request id', async () => {
    for (const response of [
      await fetch(`${harness.url}/health/live`),
      await fetch(`${harness.url}/v1/models`),
      await post('/v1/chat/completions', { model: 'nope', messages: [1] }),
    ]) {
      expect(response.headers.get('x-signalbox-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    }
  });

  it('refuses non-JSON and compressed bodies with 415', async () => {
    const form = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${appKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'model=x',
    });
    expect(form.status).toBe(415);
    const gzip = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${appKey}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: 'xx',
    });
    expect(gzip.status).toBe(415);
  });
});
