import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/raw-http.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 B8 ("BadHost") and the header tricks around it: whatever the request target,
// Host, method override or credential headers look like, the path that is authorised is the
// path that is routed (exact match, no decoding), and nothing is granted by spoofable headers.
// Requests are written byte for byte (rawRequest), so no client library normalises them first.

let harness: TestGateway;
let modelKey: string;

beforeAll(async () => {
  harness = await startTestGateway({
    config: `
providers:
  - { id: mock, type: mock }
`,
  });
  modelKey = await harness.createKey({ name: 'model-only' });
});

afterAll(async () => {
  await harness.close();
});

async function get(target: string, headers: readonly string[] = []): Promise<number> {
  return (await rawRequest(harness.url, [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers]))
    .status;
}

const asModel = (): string => `Authorization: Bearer ${modelKey}`;
const asAdmin = `Authorization: Bearer ${testAdminKey}`;

describe('path variants of an admin route', () => {
  // Each variant: [request target, no key, model-only key, admin key]. Only the exact path is
  // the route: every variant is 401 without a key and 404 (not the route) with one, so no
  // variant reaches /admin/keys past its authorisation, and none turns into a public route.
  const variants: readonly (readonly [string, number, number, number])[] = [
    ['/admin/keys', 401, 403, 200],
    ['/admin/keys/', 401, 404, 404],
    ['//admin/keys', 401, 404, 404],
    ['/admin/./keys', 401, 404, 404],
    ['/admin/keys/.', 401, 404, 404],
    ['/admin/keys/abc/..', 401, 404, 404],
    ['/v1/../admin/keys', 401, 404, 404],
    ['/v1/models/../../admin/keys', 401, 404, 404],
    ['/health/live/../../admin/keys', 401, 404, 404],
    ['/ui/../admin/keys', 401, 404, 404],
    ['/%2e%2e/admin/keys', 401, 404, 404],
    ['/admin/%6beys', 401, 404, 404],
    ['/%61dmin/keys', 401, 404, 404],
    ['/ADMIN/keys', 401, 404, 404],
    ['/Admin/Keys', 401, 404, 404],
    ['/admin/keys;x', 401, 404, 404],
    ['/admin;x/keys', 401, 404, 404],
    ['/admin%2fkeys', 401, 404, 404],
    ['/admin%2Fkeys', 401, 404, 404],
    ['/admin\\keys', 401, 404, 404],
    ['/admin/keys%00', 401, 404, 404],
    ['/admin/keys%20', 401, 404, 404],
    ['/admin/keys#x', 401, 404, 404],
    ['http://evil.example/admin/keys', 401, 404, 404],
    ['http://127.0.0.1/admin/keys', 401, 404, 404],
    ['*', 401, 404, 404],
    // The query is not part of the path: the same route, the same checks (x is no valid filter).
    ['/admin/keys?x', 401, 403, 400],
    ['/admin/keys?include_revoked=true', 401, 403, 200],
  ];

  it.each(variants)(
    '%s: %i without a key, %i with a model key, %i as admin',
    async (target, anonymous, model, admin) => {
      expect(await get(target)).toBe(anonymous);
      expect(await get(target, [asModel()])).toBe(model);
      expect(await get(target, [asAdmin])).toBe(admin);
    },
  );

  it('treats a parameter that smuggles a path as no match', async () => {
    for (const target of ['/admin/keys/..%2f..%2fadmin', '/admin/keys/a%2fb', '/admin/keys/a.b']) {
      expect(await get(target), target).toBe(401);
      expect(await get(target, [asAdmin]), target).toBe(404);
    }
  });
});

describe('Host, forwarding and rewrite headers grant nothing', () => {
  const spoofed = [
    'Host: x/admin?',
    'Host: a#',
    'Host: 127.0.0.1/admin/keys',
    'Host: localhost',
    'Host: evil.example',
  ];

  it.each(spoofed)(
    '%s: admin still 401 without a key, a model key still only a model key',
    async (host) => {
      const lines = (target: string, ...headers: string[]) => [
        `GET ${target} HTTP/1.1`,
        host,
        ...headers,
      ];
      expect((await rawRequest(harness.url, lines('/admin/keys'))).status).toBe(401);
      expect((await rawRequest(harness.url, lines('/admin/keys', asModel()))).status).toBe(403);
      expect((await rawRequest(harness.url, lines('/v1/models', asModel()))).status).toBe(200);
      expect((await rawRequest(harness.url, lines('/health/live'))).status).toBe(200);
    },
  );

  it('ignores X-Forwarded-For, X-Real-IP, Forwarded and X-Forwarded-Host claiming loopback', async () => {
    const claims = [
      'X-Forwarded-For: 127.0.0.1',
      'X-Real-IP: 127.0.0.1',
      'Forwarded: for=127.0.0.1;host=localhost',
      'X-Forwarded-Host: localhost',
      'X-Forwarded-Proto: https',
    ];
    expect(await get('/admin/keys', claims)).toBe(401);
    expect(await get('/admin/keys', [...claims, asModel()])).toBe(403);
    expect(await get('/metrics', claims)).toBe(401);
  });

  it('ignores X-Original-URL and X-Rewrite-URL (the routed path is the request line)', async () => {
    const rewrites = ['X-Original-URL: /admin/keys', 'X-Rewrite-URL: /admin/keys'];
    // A model key on a model route pretending to be an admin route: still the model route.
    const models = await rawRequest(harness.url, [
      'GET /v1/models HTTP/1.1',
      'Host: 127.0.0.1',
      asModel(),
      ...rewrites,
    ]);
    expect(models.status).toBe(200);
    expect(models.body).toContain('"object":"list"');
    expect(models.body).not.toContain('"key_id"');
    // An admin route pretending to be a public one: still refused.
    expect(
      await get('/admin/keys', ['X-Original-URL: /health/live', 'X-Rewrite-URL: /health/live']),
    ).toBe(401);
  });
});

describe('method overrides are not honoured', () => {
  it('X-HTTP-Method-Override, X-HTTP-Method and X-Method-Override change nothing', async () => {
    const overrides = (method: string) => [
      `X-HTTP-Method-Override: ${method}`,
      `X-HTTP-Method: ${method}`,
      `X-Method-Override: ${method}`,
    ];
    const send = async (method: string, target: string, headers: string[], body = '') =>
      (
        await rawRequest(
          harness.url,
          [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers],
          body,
        )
      ).status;
    // Without a key, a POST dressed as a GET is still refused.
    expect(
      await send(
        'POST',
        '/admin/keys',
        [...overrides('GET'), 'Content-Type: application/json'],
        '{}',
      ),
    ).toBe(401);
    // A model key's key creation dressed as a read is still an admin write: 403.
    expect(
      await send(
        'POST',
        '/admin/keys',
        [...overrides('GET'), asModel(), 'Content-Type: application/json'],
        '{"name":"x"}',
      ),
    ).toBe(403);
    // The admin's GET dressed as a DELETE stays a GET: the list, and the key still exists.
    expect(await send('GET', '/admin/keys', [...overrides('DELETE'), asAdmin])).toBe(200);
    expect(await get('/v1/models', [asModel()])).toBe(200);
    // A GET to a POST-only route dressed as POST: 405, not the handler.
    expect(await send('GET', '/v1/chat/completions', [...overrides('POST'), asModel()])).toBe(405);
  });

  it('answers other methods with 401 without a key and 405 with one; a malformed method is 400', async () => {
    for (const method of ['HEAD', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      const lines = [`${method} /admin/keys HTTP/1.1`, 'Host: 127.0.0.1'];
      expect((await rawRequest(harness.url, lines)).status, method).toBe(401);
      expect((await rawRequest(harness.url, [...lines, asAdmin])).status, method).toBe(405);
    }
    expect(
      (await rawRequest(harness.url, ['get /admin/keys HTTP/1.1', 'Host: 127.0.0.1', asAdmin]))
        .status,
    ).toBe(400);
  });
});

describe('odd and duplicate credential headers', () => {
  // [description, header lines, status on GET /admin/keys]
  const cases = (): (readonly [string, readonly string[], number])[] => [
    ['the admin key, as sent by SDKs', [asAdmin], 200],
    ['scheme in lower case', [`Authorization: bearer ${testAdminKey}`], 200],
    ['scheme in upper case', [`Authorization: BEARER ${testAdminKey}`], 200],
    ['two spaces after the scheme', [`Authorization: Bearer  ${testAdminKey}`], 200],
    ['trailing whitespace', [`Authorization: Bearer ${testAdminKey}   `], 200],
    ['a tab instead of the space', [`Authorization: Bearer\t${testAdminKey}`], 401],
    ['no scheme', [`Authorization: ${testAdminKey}`], 401],
    ['Basic with the key as password', [`Authorization: Basic ${basic(testAdminKey)}`], 401],
    ['Token scheme', [`Authorization: Token ${testAdminKey}`], 401],
    ['empty Authorization', ['Authorization: '], 401],
    ['Bearer and nothing', ['Authorization: Bearer '], 401],
    ['x-api-key alone', [`x-api-key: ${testAdminKey}`], 200],
    ['x_api_key (underscore) is not x-api-key', [`x_api_key: ${testAdminKey}`], 401],
    [
      'Authorization wins over x-api-key (model key + admin x-api-key)',
      [asModel(), `x-api-key: ${testAdminKey}`],
      403,
    ],
    [
      'a bad Authorization does not fall back to x-api-key',
      ['Authorization: Bearer nope', `x-api-key: ${testAdminKey}`],
      401,
    ],
    [
      'a Basic Authorization does not fall back to x-api-key',
      ['Authorization: Basic abc', `x-api-key: ${testAdminKey}`],
      401,
    ],
    [
      'an empty Authorization does not fall back to x-api-key',
      ['Authorization: ', `x-api-key: ${testAdminKey}`],
      401,
    ],
    ['x-api-key twice, bad first', ['x-api-key: nope', `x-api-key: ${testAdminKey}`], 401],
    ['x-api-key twice, admin first', [`x-api-key: ${testAdminKey}`, 'x-api-key: nope'], 401],
    [
      'a key header beats a session cookie',
      ['Authorization: Bearer nope', 'Cookie: signalbox_session=abc'],
      401,
    ],
    ['a 2,000-character key', [`Authorization: Bearer ${'a'.repeat(2000)}`], 401],
    ['a NUL byte in the key (refused by the HTTP parser)', ['Authorization: Bearer sk-\0abc'], 400],
  ];

  it('answers each with the exact expected status', async () => {
    for (const [description, headers, expected] of cases()) {
      expect(await get('/admin/keys', headers), description).toBe(expected);
    }
  });

  it('regression "duplicate Authorization header": two Authorization headers are never authenticated', async () => {
    // Node keeps only the first copy; a proxy in front may use the last. Either order is 401.
    for (const headers of [
      ['Authorization: Bearer nope', asAdmin],
      [asAdmin, 'Authorization: Bearer nope'],
      [asAdmin, asAdmin],
      [asModel(), asAdmin],
    ]) {
      expect(await get('/admin/keys', headers)).toBe(401);
    }
    expect(await get('/v1/models', [asModel(), asModel()])).toBe(401);
    expect(await get('/v1/models', [asModel()])).toBe(200);
  });
});

describe('oversized headers', () => {
  it('refuses a header section over 32 KiB, or thousands of headers, with 431 before auth', async () => {
    expect(await get('/admin/keys', [`X-Big: ${'a'.repeat(40_000)}`])).toBe(431);
    expect(await get('/admin/keys', [`Authorization: Bearer ${'a'.repeat(40_000)}`])).toBe(431);
    expect(
      await get(
        '/health/live',
        Array.from({ length: 3000 }, (_, index) => `X-H${index}: v`),
      ),
    ).toBe(431);
    // The server is still serving afterwards.
    expect(await get('/health/live')).toBe(200);
  });
});

function basic(password: string): string {
  return Buffer.from(`admin:${password}`).toString('base64');
}
