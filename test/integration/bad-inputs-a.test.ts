import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRoutes } from '../../src/http/create-http-server.ts';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startCanaryServer, type CanaryServer } from '../helpers/canary-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 A2 and A3: a destination smuggled at any depth (objects and arrays, 1 to 5
// levels) and custom-host headers sent to every model route, legacy and routing-only ones
// included, are refused before anything is sent; the canary listener is never contacted.

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

/** A valid body for each model route, which the route would serve or route. */
function validBody(path: string): Record<string, unknown> {
  if (path.includes('messages')) {
    return {
      model: 'upstream/echo',
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    };
  }
  if (path.includes('responses')) return { model: 'upstream/echo', input: 'hi' };
  if (path.includes('embeddings')) return { model: 'upstream/embed', input: 'hi' };
  return { model: 'upstream/echo', messages: [{ role: 'user', content: 'hi' }] };
}

/** `value` wrapped `depth` levels deep, alternating objects and arrays. */
function nest(value: Record<string, unknown>, depth: number): unknown {
  let wrapped: unknown = value;
  for (let level = 1; level < depth; level += 1) {
    wrapped = level % 2 === 1 ? [wrapped] : { inner: wrapped };
  }
  return wrapped;
}

const modelPostRoutes = gatewayRoutes.filter(
  (route) => route.access === 'model' && route.method === 'POST',
);

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(harness.url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${appKey}`,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const code = /"(SB_ERR_[A-Z_]+)"/.exec(text)?.[1];
  return { status: response.status, code };
}

describe('A2: destination fields at depth 1 to 5', () => {
  const containers = ['metadata', 'extra_body', 'litellm_params', 'litellm_embedding_config'];
  const fields = ['api_base', 'base_url', 'apiBase', 'API-BASE', 'azure_endpoint', 'api_key'];

  it('are refused on every model route at every depth, and nothing is contacted', async () => {
    expect(modelPostRoutes.length).toBeGreaterThanOrEqual(8);
    const before = upstream.requests.length;
    for (const route of modelPostRoutes) {
      for (const container of containers) {
        for (const depth of [1, 2, 3, 4, 5]) {
          for (const field of fields) {
            const body = {
              ...validBody(route.path),
              [container]: nest({ [field]: canary.url }, depth),
            };
            const answer = await post(route.path, body);
            expect(answer, `${route.path} ${container} depth ${String(depth)} ${field}`).toEqual({
              status: 400,
              code: 'SB_ERR_REQUEST_DESTINATION_FIELD',
            });
          }
        }
      }
      // At the top level too, and inside a message's content parts.
      const top = await post(route.path, { ...validBody(route.path), base_url: canary.url });
      expect(top.code, route.path).toBe('SB_ERR_REQUEST_DESTINATION_FIELD');
    }
    expect(canary.connections).toBe(0);
    expect(upstream.requests.length).toBe(before);
  });

  it('still serves a tool whose own parameters are named base_url (a schema, not a setting)', async () => {
    const answer = await post('/v1/chat/completions', {
      ...validBody('/v1/chat/completions'),
      tools: [
        {
          type: 'function',
          function: {
            name: 'fetch_page',
            parameters: { type: 'object', properties: { base_url: { type: 'string' } } },
          },
        },
      ],
    });
    expect(answer.status).toBe(200);
  });
});

describe('A3: custom-host headers on every model route', () => {
  const headers = [
    'x-portkey-custom-host',
    'x-custom-host',
    'x-litellm-api-base',
    'x-base-url',
    'x-upstream-url',
    'x-forward-to',
  ];

  it('are refused with 400 on every model route, legacy and routing-only ones included', async () => {
    const before = upstream.requests.length;
    for (const route of modelPostRoutes) {
      for (const header of headers) {
        const answer = await post(route.path, validBody(route.path), { [header]: canary.url });
        expect(answer, `${route.path} ${header}`).toEqual({
          status: 400,
          code: 'SB_ERR_REQUEST_DESTINATION_FIELD',
        });
      }
    }
    expect(canary.connections).toBe(0);
    expect(upstream.requests.length).toBe(before);
  });

  it('each route serves the same body without the header (so the 400s above are the guard)', async () => {
    for (const route of modelPostRoutes) {
      const answer = await post(route.path, validBody(route.path));
      expect(answer.status, `${route.path} ${answer.code ?? ''}`).toBe(200);
    }
  });
});
