import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

let harness: TestGateway;
let acmeAdminKey: string;
let acmeAdminKeyId: string;
let serviceKey: string;

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

interface SignedIn {
  readonly status: number;
  readonly cookie: string | undefined;
  readonly setCookie: string | null;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

async function signIn(key: string, headers: Record<string, string> = {}): Promise<SignedIn> {
  const response = await fetch(`${harness.url}/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ key }),
  });
  const setCookie = response.headers.get('set-cookie');
  return {
    status: response.status,
    setCookie,
    cookie: setCookie?.split(';')[0],
    body: await json(response),
    headers: response.headers,
  };
}

function withCookie(
  cookie: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(harness.url + path, {
    method,
    headers: { cookie, 'content-type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

beforeAll(async () => {
  harness = await startTestGateway({ config: 'providers:\n  - { id: mock, type: mock }\n' });
  expect((await harness.admin('POST', '/admin/orgs', { id: 'acme', name: 'ACME' })).status).toBe(
    201,
  );
  const admin = await json(
    await harness.admin('POST', '/admin/keys', { name: 'acme admin', org: 'acme', role: 'admin' }),
  );
  acmeAdminKey = admin.key as string;
  acmeAdminKeyId = admin.id as string;
  const service = await json(
    await harness.admin('POST', '/admin/keys', { name: 'batch', org: 'acme', role: 'service' }),
  );
  serviceKey = service.key as string;
});

afterAll(async () => {
  await harness.close();
});

describe('console sessions', () => {
  it('signs in with SIGNALBOX_ADMIN_KEY and sets a strict, HttpOnly cookie holding no key', async () => {
    const signedIn = await signIn(testAdminKey);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      caller: { agent: 'environment', org: 'default', role: 'admin', platform: true },
    });
    expect(typeof signedIn.body.csrf_token).toBe('string');
    const expiresAt = Date.parse(signedIn.body.expires_at as string);
    expect(expiresAt - Date.now()).toBeGreaterThan(8 * 3600_000 - 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(8 * 3600_000);
    const attributes = (signedIn.setCookie ?? '').split('; ');
    expect(attributes[0]).toMatch(/^signalbox_session=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=28800']),
    );
    // Plain http to 127.0.0.1, asked for by a loopback name: no Secure (browsers would drop it).
    expect(attributes).not.toContain('Secure');
    expect(signedIn.setCookie).not.toContain(testAdminKey);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
  });

  it('marks the cookie Secure when the console is reached by a public name', async () => {
    // fetch() sets Host itself; node:http sends the one given, as a proxy in front would.
    const setCookie = await new Promise<string | undefined>((resolve, reject) => {
      const body = JSON.stringify({ key: testAdminKey });
      const request = httpRequest(
        `${harness.url}/admin/session`,
        {
          method: 'POST',
          headers: { host: 'console.example.com', 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          expect(response.statusCode).toBe(200);
          resolve(response.headers['set-cookie']?.[0]);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(setCookie?.split('; ')).toContain('Secure');
  });

  it('lets the cookie read the admin API and answers GET /admin/session', async () => {
    const { cookie, body } = await signIn(acmeAdminKey);
    expect(body).toMatchObject({ caller: { agent: acmeAdminKeyId, org: 'acme', role: 'admin' } });
    expect(body.caller).toMatchObject({ platform: false });
    const keys = await withCookie(cookie ?? '', 'GET', '/admin/keys');
    expect(keys.status).toBe(200);
    const listed = (await json(keys)).data as { org: string }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((key) => key.org === 'acme')).toBe(true);
    const current = await withCookie(cookie ?? '', 'GET', '/admin/session');
    expect(current.status).toBe(200);
    expect(await json(current)).toMatchObject({
      csrf_token: body.csrf_token,
      caller: { agent: acmeAdminKeyId },
    });
    // Model routes take the session too (the key's own model rights apply).
    expect((await withCookie(cookie ?? '', 'GET', '/v1/models')).status).toBe(200);
    // Platform routes stay closed to a tenant admin's session.
    expect((await withCookie(cookie ?? '', 'GET', '/admin/audit/status')).status).toBe(403);
  });

  it('needs the CSRF token and a matching Origin for changes made with the cookie', async () => {
    const { cookie, body } = await signIn(testAdminKey);
    const csrf = body.csrf_token as string;
    const create = (headers: Record<string, string>): Promise<Response> =>
      withCookie(cookie ?? '', 'POST', '/admin/keys', { body: { name: 'from console' }, headers });

    const noToken = await create({});
    expect(noToken.status).toBe(403);
    expect(await json(noToken)).toMatchObject({ error: { code: 'SB_ERR_AUTH_CSRF' } });
    const wrongToken = await create({ 'x-csrf-token': `${csrf.slice(0, -1)}x` });
    expect(wrongToken.status).toBe(403);
    const wrongOrigin = await create({ 'x-csrf-token': csrf, origin: 'https://evil.example' });
    expect(wrongOrigin.status).toBe(403);
    expect(await json(wrongOrigin)).toMatchObject({ error: { code: 'SB_ERR_AUTH_CSRF' } });
    const crossSite = await create({ 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);

    const created = await create({ 'x-csrf-token': csrf, origin: harness.url });
    expect(created.status).toBe(201);
    const withoutOrigin = await create({ 'x-csrf-token': csrf });
    expect(withoutOrigin.status).toBe(201);
  });

  it('lets an API key header win over the cookie', async () => {
    const { cookie } = await signIn(testAdminKey);
    const response = await fetch(`${harness.url}/admin/keys`, {
      headers: { cookie: cookie ?? '', authorization: 'Bearer sk-sb-not-a-real-key' },
    });
    expect(response.status).toBe(401);
    // A key header without the CSRF token may still change things (no cookie is involved).
    expect((await harness.admin('POST', '/admin/keys', { name: 'by header' })).status).toBe(201);
  });

  it('refuses a wrong key (401) and a key without admin-API rights (403)', async () => {
    const wrong = await signIn('sk-sb-not-a-real-key-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.setCookie).toBeNull();
    expect(wrong.body).toMatchObject({ error: { code: 'SB_ERR_AUTH_INVALID_KEY' } });
    const service = await signIn(serviceKey);
    expect(service.status).toBe(403);
    expect(service.setCookie).toBeNull();
    expect(service.body).toMatchObject({ error: { code: 'SB_ERR_AUTH_FORBIDDEN' } });
  });

  it('refuses a sign-in posted from another origin', async () => {
    const signedIn = await signIn(testAdminKey, { origin: 'https://evil.example' });
    expect(signedIn.status).toBe(403);
    expect(signedIn.setCookie).toBeNull();
  });

  it('ends the sessions of a key when the key is revoked', async () => {
    const created = await json(
      await harness.admin('POST', '/admin/keys', {
        name: 'short-lived',
        org: 'acme',
        role: 'viewer',
      }),
    );
    const { cookie, status } = await signIn(created.key as string);
    expect(status).toBe(200);
    expect((await withCookie(cookie ?? '', 'GET', '/admin/keys')).status).toBe(200);
    expect((await harness.admin('DELETE', `/admin/keys/${created.id as string}`)).status).toBe(200);
    const after = await withCookie(cookie ?? '', 'GET', '/admin/keys');
    expect(after.status).toBe(401);
    expect((await withCookie(cookie ?? '', 'GET', '/admin/session')).status).toBe(401);
  });

  it('revokes the session on sign-out (with its CSRF token) and clears the cookie', async () => {
    const { cookie, body } = await signIn(acmeAdminKey);
    const withoutToken = await withCookie(cookie ?? '', 'DELETE', '/admin/session');
    expect(withoutToken.status).toBe(403);
    const signedOut = await withCookie(cookie ?? '', 'DELETE', '/admin/session', {
      headers: { 'x-csrf-token': body.csrf_token as string },
    });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.get('set-cookie')).toMatch(/^signalbox_session=; .*Max-Age=0/);
    // The server forgot it: the old cookie opens nothing any more.
    expect((await withCookie(cookie ?? '', 'GET', '/admin/keys')).status).toBe(401);
    expect((await withCookie(cookie ?? '', 'GET', '/admin/session')).status).toBe(401);
  });

  it('treats a malformed or doubled cookie as no session', async () => {
    const { cookie } = await signIn(testAdminKey);
    const doubled = await withCookie(`${cookie ?? ''}; ${cookie ?? ''}`, 'GET', '/admin/keys');
    expect(doubled.status).toBe(401);
    const malformed = await withCookie(`${cookie ?? ''}; broken`, 'GET', '/admin/keys');
    expect(malformed.status).toBe(401);
  });

  it('audits sign-ins and sign-outs as admin actions and never logs the session id', async () => {
    const { cookie, body } = await signIn(testAdminKey);
    await withCookie(cookie ?? '', 'DELETE', '/admin/session', {
      headers: { 'x-csrf-token': body.csrf_token as string },
    });
    const sessionId = (cookie ?? '').split('=')[1] ?? '';
    expect(sessionId).toHaveLength(43);
    const sessionRecords = harness.records.filter((record) => record.route === '/admin/session');
    expect(sessionRecords.some((record) => record.method === 'POST' && record.status === 200)).toBe(
      true,
    );
    expect(
      sessionRecords.some((record) => record.method === 'DELETE' && record.keyId === 'environment'),
    ).toBe(true);
    const everything = harness.logLines.join('\n') + JSON.stringify(harness.records);
    expect(everything).not.toContain(sessionId);
    expect(everything).not.toContain(body.csrf_token as string);
  });

  it('answers 429 with Retry-After after too many wrong keys from one address', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const response = await fetch(`${harness.url}/admin/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: `sk-sb-guess-${String(attempt)}` }),
      });
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
      await response.text();
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(-1)).toEqual([429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Even the right key waits out the window: guessing cannot be mixed with a valid sign-in.
    expect((await signIn(testAdminKey)).status).toBe(429);
  });
});
