// Tenancy and privilege tests of the admin API (security.md §1 B1-B4, C1-C3): mass assignment
// over every admin object and field, cross-tenant lookups (404, never 403), privilege escalation
// by every role, and SQL made of ids, names, metadata and filters.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../../src/storage/postgres/open-postgres-database.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

let harness: TestGateway;

type Json = Record<string, unknown>;

async function call(
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const response = await fetch(harness.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

const platform = (method: string, path: string, body?: unknown) =>
  call(testAdminKey, method, path, body);

async function created(response: Promise<{ status: number; body: Json }>): Promise<Json> {
  const result = await response;
  if (result.status !== 201) {
    throw new Error(`expected 201, got ${String(result.status)}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

const errorOf = (body: Json) => body.error as { param?: string; message: string; code?: string };

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** The world the tests act in: two tenants, each with users of every role and their keys. */
const world = {
  acme: {} as Record<string, string>,
  globex: {} as Record<string, string>,
  keys: {} as Record<string, string>,
  memberExpiry: inDays(30),
};

const postgresUrl =
  process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresSchema = `sbtest_${randomBytes(5).toString('hex')}_tenancy`;
const postgresAdmin = createPostgresPool({ url: postgresUrl, maxConnections: 1 });
postgresAdmin.on('error', () => undefined);

afterAll(async () => {
  await postgresAdmin.end();
});

/** A gateway on the embedded SQLite store, or on PostgreSQL in a schema of its own. */
async function startBackend(backend: 'sqlite' | 'postgres'): Promise<TestGateway> {
  const providers = 'providers:\n  - { id: mock, type: mock }\n';
  if (backend === 'sqlite') {
    return startTestGateway({ config: providers });
  }
  await postgresAdmin.query(`CREATE SCHEMA ${postgresSchema}`);
  return startTestGateway({
    config: `storage:\n  backend: postgres\n  postgres_url: \${env:DATABASE_URL}\n  postgres_schema: ${postgresSchema}\n${providers}`,
    environment: { DATABASE_URL: postgresUrl },
  });
}

describe.each(['sqlite', 'postgres'] as const)('admin tenancy on %s', (backend) => {
  beforeAll(async () => {
    harness = await startBackend(backend);
    for (const org of ['acme', 'globex']) {
      await created(platform('POST', '/admin/orgs', { id: org, name: org.toUpperCase() }));
      await created(
        platform('POST', '/admin/teams', { id: 'payments', name: `${org} payments`, org }),
      );
    }
    await created(platform('POST', '/admin/teams', { id: 'ml', name: 'acme ml', org: 'acme' }));
    const user = async (org: 'acme' | 'globex', handle: string, role: string, teams: string[]) => {
      const body = await created(
        platform('POST', '/admin/users', {
          email: `${handle}@${org}.example`,
          name: handle,
          role,
          teams,
          org,
        }),
      );
      world[org][handle] = body.id as string;
    };
    await user('acme', 'admin', 'admin', []);
    await user('acme', 'lead', 'team_admin', ['payments']);
    await user('acme', 'member', 'member', ['payments']);
    await user('acme', 'other', 'member', ['ml']);
    await user('acme', 'viewer', 'viewer', []);
    await user('globex', 'admin', 'admin', []);
    await user('globex', 'member', 'member', ['payments']);

    const key = async (handle: string, request: Json) => {
      const body = await created(platform('POST', '/admin/keys', request));
      world.keys[handle] = body.key as string;
      world.keys[`${handle}Id`] = body.id as string;
    };
    await key('acmeAdmin', {
      name: 'acme admin',
      org: 'acme',
      role: 'admin',
      owner: world.acme.admin,
    });
    await key('acmeLead', {
      name: 'acme lead',
      org: 'acme',
      role: 'team_admin',
      team: 'payments',
      owner: world.acme.lead,
    });
    await key('acmeMember', {
      name: 'acme member',
      org: 'acme',
      role: 'member',
      team: 'payments',
      owner: world.acme.member,
      models: ['mock/echo'],
      routes: ['chat', 'models'],
      max_output_tokens: 100,
      expires_at: world.memberExpiry,
    });
    await key('acmeViewer', {
      name: 'acme viewer',
      org: 'acme',
      role: 'viewer',
      owner: world.acme.viewer,
    });
    await key('acmeService', {
      name: 'acme batch',
      org: 'acme',
      role: 'service',
      team: 'payments',
    });
    await key('globexAdmin', {
      name: 'globex admin',
      org: 'globex',
      role: 'admin',
      owner: world.globex.admin,
    });
    await key('globexService', { name: 'globex batch', org: 'globex', team: 'payments' });
  });

  afterAll(async () => {
    await harness.close();
    if (backend === 'postgres') {
      await postgresAdmin.query(`DROP SCHEMA IF EXISTS ${postgresSchema} CASCADE`);
    }
  });

  /** Everything the platform admin sees of one organisation, to prove a refusal stored nothing. */
  async function snapshot(org: string): Promise<string> {
    const parts = await Promise.all(
      [
        `/admin/keys?org=${org}&include_revoked=true`,
        `/admin/users?org=${org}`,
        `/admin/teams?org=${org}`,
        '/admin/orgs',
      ].map(async (path) => JSON.stringify((await platform('GET', path)).body)),
    );
    return parts.join('\n');
  }

  describe('mass assignment: every admin object refuses fields it does not take', () => {
    // [object, method, path (a function of the world), field, value]. Each is sent by acme's admin
    // on top of an otherwise valid body; each must answer 400 naming the field, and store nothing.
    const cases: [string, string, () => string, Json, string][] = [];
    const keyCreate = { name: 'mass' };
    for (const [field, value] of Object.entries({
      id: 'chosenid0000',
      secret_hash: 'AAAA',
      key: 'sk-sb-mine',
      created_by: 'environment',
      created_at: '2020-01-01T00:00:00Z',
      revoked_at: null,
      display: 'x',
      is_admin: true,
      user_role: 'proxy_admin',
      spend: 0,
      max_budget: 1e9,
      allowed_routes: ['/*'],
      team_id: 'ml',
      org_id: 'globex',
    })) {
      cases.push(['key', 'POST', () => '/admin/keys', { ...keyCreate, [field]: value }, '(body)']);
    }
    cases.push(['key', 'POST', () => '/admin/keys', { ...keyCreate, org: 'globex' }, 'org']);
    cases.push(['key', 'POST', () => '/admin/keys', { ...keyCreate, role: 'root' }, 'role']);
    cases.push(['key', 'POST', () => '/admin/keys', { ...keyCreate, routes: ['/*'] }, 'routes[0]']);
    cases.push([
      'key',
      'POST',
      () => '/admin/keys',
      { ...keyCreate, metadata: { a: { b: 1 } } },
      'metadata.a',
    ]);
    cases.push([
      'key',
      'POST',
      () => '/admin/keys',
      { ...keyCreate, max_output_tokens: -1 },
      'max_output_tokens',
    ]);
    for (const [field, value] of Object.entries({
      role: 'admin',
      team: 'ml',
      owner: 'usr_x',
      org: 'globex',
      id: 'other0000000',
      created_by: 'environment',
      secret_hash: 'AAAA',
      revoked_at: null,
      created_at: '2020-01-01T00:00:00Z',
      is_admin: true,
    })) {
      cases.push([
        'key update',
        'PATCH',
        () => `/admin/keys/${world.keys.acmeServiceId ?? ''}`,
        { name: 'renamed', [field]: value },
        '(body)',
      ]);
    }
    const userCreate = { email: 'mass@acme.example', name: 'mass' };
    for (const [field, value] of Object.entries({
      id: 'usr_chosen',
      created_at: '2020-01-01T00:00:00Z',
      is_admin: true,
      user_role: 'proxy_admin',
      spend: 0,
      max_budget: 1,
      keys: [],
      team_id: 'ml',
    })) {
      cases.push([
        'user',
        'POST',
        () => '/admin/users',
        { ...userCreate, [field]: value },
        '(body)',
      ]);
    }
    cases.push(['user', 'POST', () => '/admin/users', { ...userCreate, org: 'globex' }, 'org']);
    cases.push(['user', 'POST', () => '/admin/users', { ...userCreate, role: 'service' }, 'role']);
    for (const [field, value] of Object.entries({
      id: 'usr_other',
      org: 'globex',
      created_at: '2020-01-01T00:00:00Z',
      is_admin: true,
      spend: 0,
    })) {
      cases.push([
        'user update',
        'PATCH',
        () => `/admin/users/${world.acme.member ?? ''}`,
        { name: 'renamed', [field]: value },
        '(body)',
      ]);
    }
    for (const [field, value] of Object.entries({ created_at: 1, members: [], budget: 1 })) {
      cases.push([
        'team',
        'POST',
        () => '/admin/teams',
        { id: 'massteam', name: 'x', [field]: value },
        '(body)',
      ]);
    }
    cases.push([
      'team',
      'POST',
      () => '/admin/teams',
      { id: 'massteam', name: 'x', org: 'globex' },
      'org',
    ]);
    cases.push(['team', 'POST', () => '/admin/teams', { id: "x' OR 1=1 --", name: 'x' }, 'id']);
    for (const [field, value] of Object.entries({ id: 'other', org: 'globex', created_at: 1 })) {
      cases.push([
        'team update',
        'PATCH',
        () => '/admin/teams/payments',
        { name: 'renamed', [field]: value },
        '(body)',
      ]);
    }
    for (const [field, value] of Object.entries({
      created_at: 1,
      owner: 'x',
      plan: 'enterprise',
    })) {
      cases.push([
        'org',
        'POST',
        () => '/admin/orgs',
        { id: 'massorg', name: 'x', [field]: value },
        '(body)',
      ]);
    }
    for (const [field, value] of Object.entries({ id: 'renamed', created_at: 1 })) {
      cases.push([
        'org update',
        'PATCH',
        () => '/admin/orgs/acme',
        { name: 'renamed', [field]: value },
        '(body)',
      ]);
    }

    const labelled = cases.map(
      ([object, method, path, body, param]) =>
        [
          `${object} ${method} ${JSON.stringify(body)} → 400 ${param}`,
          object,
          method,
          path,
          body,
          param,
        ] as const,
    );

    it.each(labelled)('%s', async (_label, _object, method, path, body, param) => {
      const before = await snapshot('acme');
      const caller = _object.startsWith('org') ? testAdminKey : (world.keys.acmeAdmin ?? '');
      const response = await call(caller, method, path(), body);
      expect(response.status).toBe(400);
      expect(errorOf(response.body).param).toBe(param);
      expect(await snapshot('acme')).toBe(before);
    });
  });

  describe('cross-tenant: another organisation answers "not found", never "forbidden"', () => {
    it('hides acme keys, users, teams and the organisation itself from globex admin', async () => {
      const globex = world.keys.globexAdmin ?? '';
      const before = await snapshot('acme');
      const keyId = world.keys.acmeServiceId ?? '';
      const userId = world.acme.member ?? '';
      const attempts: [string, string, unknown?][] = [
        ['GET', `/admin/keys/${keyId}`],
        ['PATCH', `/admin/keys/${keyId}`, { name: 'stolen' }],
        ['DELETE', `/admin/keys/${keyId}`],
        ['GET', `/admin/users/${userId}`],
        ['PATCH', `/admin/users/${userId}`, { role: 'viewer' }],
        ['GET', '/admin/teams/ml'],
        ['PATCH', '/admin/teams/ml', { name: 'stolen' }],
        ['GET', '/admin/orgs/acme'],
        ['PATCH', '/admin/orgs/acme', { name: 'stolen' }],
      ];
      for (const [method, path, body] of attempts) {
        const response = await call(globex, method, path, body);
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(errorOf(response.body).code ?? 'SB_ERR_NOT_FOUND').toBe('SB_ERR_NOT_FOUND');
      }
      expect(await snapshot('acme')).toBe(before);
    });

    it('answers an existing foreign id exactly like a missing one', async () => {
      const globex = world.keys.globexAdmin ?? '';
      const foreign = await call(globex, 'GET', `/admin/keys/${world.keys.acmeServiceId ?? ''}`);
      const missing = await call(globex, 'GET', '/admin/keys/doesnotexist');
      expect(foreign.status).toBe(missing.status);
      expect(JSON.stringify(foreign.body)).toBe(JSON.stringify(missing.body));
    });

    it('lists only its own tenant, and may not name another organisation', async () => {
      const globex = world.keys.globexAdmin ?? '';
      const keys = await call(globex, 'GET', '/admin/keys?include_revoked=true');
      const orgs = new Set((keys.body.data as Json[]).map((key) => key.org));
      expect([...orgs]).toEqual(['globex']);
      const users = await call(globex, 'GET', '/admin/users');
      expect((users.body.data as Json[]).every((each) => each.org === 'globex')).toBe(true);
      expect((await call(globex, 'GET', '/admin/orgs')).body.data).toEqual([
        expect.objectContaining({ id: 'globex' }),
      ]);
      for (const path of [
        '/admin/keys?org=acme',
        '/admin/users?org=acme',
        '/admin/teams?org=acme',
      ]) {
        const response = await call(globex, 'GET', path);
        expect(response.status, path).toBe(400);
        expect(errorOf(response.body).param).toBe('org');
      }
    });

    it('keeps same-named teams apart: globex renaming its payments leaves acme payments alone', async () => {
      const globex = world.keys.globexAdmin ?? '';
      expect(
        (await call(globex, 'PATCH', '/admin/teams/payments', { name: 'Globex Pay' })).status,
      ).toBe(200);
      const acme = await platform('GET', '/admin/teams/payments?org=acme');
      expect(acme.body.name).toBe('acme payments');
    });

    it('refuses an owner or team from another tenant when creating a key', async () => {
      const globex = world.keys.globexAdmin ?? '';
      const response = await call(globex, 'POST', '/admin/keys', {
        name: 'x',
        owner: world.acme.member,
        role: 'member',
      });
      expect(response.status).toBe(400);
      expect(errorOf(response.body).param).toBe('owner');
      const user = await call(globex, 'POST', '/admin/users', {
        email: 'x@globex.example',
        name: 'x',
        teams: ['ml'],
      });
      expect(user.status).toBe(400);
      expect(errorOf(user.body).param).toBe('teams[0]');
    });

    it('lets only a platform admin create organisations or read deployments', async () => {
      for (const key of [world.keys.acmeAdmin, world.keys.globexAdmin]) {
        expect(
          (await call(key ?? '', 'POST', '/admin/orgs', { id: 'evil', name: 'x' })).status,
        ).toBe(403);
        expect((await call(key ?? '', 'GET', '/admin/deployments')).status).toBe(403);
      }
      expect((await platform('GET', '/admin/orgs/evil')).status).toBe(404);
    });
  });

  describe('privilege escalation: a key is never more privileged than its creator', () => {
    const member = () => world.keys.acmeMember ?? '';

    it.each([
      [{ models: null }, 'models'],
      [{ models: ['mock/*'] }, 'models'],
      [{ models: ['*'] }, 'models'],
      [{ role: 'admin' }, 'role'],
      [{ role: 'team_admin' }, 'role'],
      [{ role: 'service' }, 'role'],
      [{ routes: null }, 'routes'],
      [{ routes: ['embeddings'] }, 'routes'],
      [{ max_output_tokens: null }, 'max_output_tokens'],
      [{ max_output_tokens: 101 }, 'max_output_tokens'],
      [{ expires_at: null }, 'expires_at'],
      [{ expires_at: inDays(60) }, 'expires_at'],
      [{ owner: null }, 'owner'],
      [{ team: 'ml' }, 'team'],
      [{ team: null }, 'team'],
      [{ tags: ['vip'] }, 'tags'],
    ])('a member cannot create a key with %j (403 naming %s)', async (extra, param) => {
      const before = await snapshot('acme');
      const response = await call(member(), 'POST', '/admin/keys', { name: 'escalate', ...extra });
      expect(response.status).toBe(403);
      expect(errorOf(response.body).param).toBe(param);
      expect(await snapshot('acme')).toBe(before);
    });

    it('a member cannot create a key for another user', async () => {
      const response = await call(member(), 'POST', '/admin/keys', {
        name: 'x',
        owner: world.acme.other,
      });
      expect(response.status).toBe(403);
      expect(errorOf(response.body).param).toBe('owner');
    });

    it('a member creates keys for itself that inherit its limits, and sees only its own keys', async () => {
      const response = await call(member(), 'POST', '/admin/keys', { name: 'my script' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        role: 'member',
        org: 'acme',
        team: 'payments',
        owner: world.acme.member,
        models: ['mock/echo'],
        routes: ['chat', 'models'],
        max_output_tokens: 100,
        expires_at: world.memberExpiry,
        created_by: world.keys.acmeMemberId,
      });
      const narrower = await call(member(), 'POST', '/admin/keys', {
        name: 'narrow',
        role: 'viewer',
        routes: ['chat'],
        max_output_tokens: 10,
        expires_at: inDays(1),
      });
      expect(narrower.status).toBe(201);
      const listed = await call(member(), 'GET', '/admin/keys');
      const owners = new Set((listed.body.data as Json[]).map((key) => key.owner));
      expect([...owners]).toEqual([world.acme.member]);
      // Widening its own key is refused like creating a wider one.
      const widen = await call(member(), 'PATCH', `/admin/keys/${response.body.id as string}`, {
        models: null,
      });
      expect(widen.status).toBe(403);
      // Another key of its organisation is invisible to it.
      expect(
        (await call(member(), 'DELETE', `/admin/keys/${world.keys.acmeServiceId ?? ''}`)).status,
      ).toBe(404);
    });

    it('a member may change only its own name and email, never its role or teams', async () => {
      const self = `/admin/users/${world.acme.member ?? ''}`;
      expect((await call(member(), 'PATCH', self, { role: 'admin' })).status).toBe(403);
      expect((await call(member(), 'PATCH', self, { teams: ['payments', 'ml'] })).status).toBe(403);
      expect((await call(member(), 'PATCH', self, { name: 'Member M.' })).status).toBe(200);
      expect(
        (await call(member(), 'PATCH', `/admin/users/${world.acme.other ?? ''}`, { name: 'x' }))
          .status,
      ).toBe(404);
      expect(
        (await call(member(), 'POST', '/admin/users', { email: 'n@acme.example', name: 'n' }))
          .status,
      ).toBe(403);
      expect((await call(member(), 'POST', '/admin/teams', { id: 'mine', name: 'n' })).status).toBe(
        403,
      );
      expect((await platform('GET', self)).body).toMatchObject({
        role: 'member',
        teams: ['payments'],
      });
    });

    it('a team_admin manages only its team, below admin', async () => {
      const lead = world.keys.acmeLead ?? '';
      const refused: [Json, string][] = [
        [{ name: 'x', role: 'admin' }, 'role'],
        [{ name: 'x', team: 'ml' }, 'team'],
        [{ name: 'x', team: null }, 'team'],
        [{ name: 'x', role: 'member', owner: world.acme.admin }, 'owner'],
        [{ name: 'x', role: 'member', owner: world.acme.other }, 'owner'],
        [{ name: 'x', tags: ['vip'] }, 'tags'],
      ];
      for (const [body, param] of refused) {
        const response = await call(lead, 'POST', '/admin/keys', body);
        expect(response.status, JSON.stringify(body)).toBe(403);
        expect(errorOf(response.body).param).toBe(param);
      }
      const service = await call(lead, 'POST', '/admin/keys', {
        name: 'pay batch',
        role: 'service',
      });
      expect(service.status).toBe(201);
      expect(service.body).toMatchObject({ team: 'payments', role: 'service', owner: null });
      const forMember = await call(lead, 'POST', '/admin/keys', {
        name: 'for m',
        owner: world.acme.member,
      });
      expect(forMember.status).toBe(201);
      expect(forMember.body).toMatchObject({ role: 'member', team: 'payments' });
      // The organisation's admin key is outside its team: invisible.
      expect(
        (await call(lead, 'DELETE', `/admin/keys/${world.keys.acmeAdminId ?? ''}`)).status,
      ).toBe(404);

      expect(
        (
          await call(lead, 'POST', '/admin/users', {
            email: 'a@acme.example',
            name: 'a',
            role: 'admin',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call(lead, 'POST', '/admin/users', {
            email: 'a@acme.example',
            name: 'a',
            teams: ['ml'],
          })
        ).status,
      ).toBe(403);
      const hired = await call(lead, 'POST', '/admin/users', {
        email: 'new@acme.example',
        name: 'new',
      });
      expect(hired.status).toBe(201);
      expect(hired.body).toMatchObject({ role: 'member', teams: ['payments'] });
      expect(
        (
          await call(lead, 'PATCH', `/admin/users/${world.acme.member ?? ''}`, {
            role: 'team_admin',
          })
        ).status,
      ).toBe(403);
      expect(
        (await call(lead, 'PATCH', `/admin/users/${world.acme.admin ?? ''}`, { name: 'x' })).status,
      ).toBe(404);
      expect(
        (await call(lead, 'PATCH', `/admin/users/${world.acme.lead ?? ''}`, { role: 'admin' }))
          .status,
      ).toBe(403);
      expect(
        (
          await call(lead, 'PATCH', `/admin/users/${world.acme.lead ?? ''}`, {
            teams: ['payments', 'ml'],
          })
        ).status,
      ).toBe(403);
      expect(
        (await call(lead, 'PATCH', '/admin/teams/payments', { name: 'Payments' })).status,
      ).toBe(200);
      expect((await call(lead, 'PATCH', '/admin/teams/ml', { name: 'x' })).status).toBe(404);
      expect((await call(lead, 'POST', '/admin/teams', { id: 'newteam', name: 'x' })).status).toBe(
        403,
      );
      expect((await call(lead, 'POST', '/admin/orgs', { id: 'neworg', name: 'x' })).status).toBe(
        403,
      );
    });

    it('a viewer only reads, and calls no model', async () => {
      const viewer = world.keys.acmeViewer ?? '';
      const listed = await call(viewer, 'GET', '/admin/keys');
      expect(listed.status).toBe(200);
      expect((listed.body.data as Json[]).every((key) => key.org === 'acme')).toBe(true);
      expect((await call(viewer, 'GET', '/admin/users')).status).toBe(200);
      expect(
        (await call(viewer, 'POST', '/admin/keys', { name: 'x', role: 'viewer' })).status,
      ).toBe(403);
      expect(
        (await call(viewer, 'DELETE', `/admin/keys/${world.keys.acmeServiceId ?? ''}`)).status,
      ).toBe(403);
      expect(
        (await call(viewer, 'PATCH', `/admin/users/${world.acme.viewer ?? ''}`, { name: 'x' }))
          .status,
      ).toBe(403);
      const chat = await call(viewer, 'POST', '/v1/chat/completions', {
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.status).toBe(403);
    });

    it('a service key calls models but not the admin API', async () => {
      const service = world.keys.acmeService ?? '';
      expect((await call(service, 'GET', '/admin/keys')).status).toBe(403);
      expect(
        (await call(service, 'GET', `/admin/keys/${world.keys.acmeServiceId ?? ''}`)).status,
      ).toBe(403);
      const chat = await call(service, 'POST', '/v1/chat/completions', {
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.status).toBe(200);
    });

    it('enforces allowed routes and the output-token cap on model calls', async () => {
      const hello = { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] };
      const embeddings = await call(member(), 'POST', '/v1/embeddings', {
        model: 'mock/echo',
        input: 'x',
      });
      expect(embeddings.status).toBe(403);
      expect(errorOf(embeddings.body).message).toContain('`embeddings`');
      expect(
        (await call(member(), 'POST', '/v1/messages', { ...hello, max_tokens: 5 })).status,
      ).toBe(403);
      expect(
        (await call(member(), 'POST', '/v1/chat/completions', { ...hello, max_tokens: 500 }))
          .status,
      ).toBe(403);
      // Without a limit of its own, the request gets the key's cap (100) as its limit.
      const long = Array.from({ length: 300 }, (_, index) => `w${String(index)}`).join(' ');
      const uncapped = await call(member(), 'POST', '/v1/chat/completions', {
        model: 'mock/echo',
        messages: [{ role: 'user', content: long }],
      });
      expect(uncapped.status).toBe(200);
      expect(uncapped.body.usage).toMatchObject({ completion_tokens: 100 });
      expect(
        (await call(member(), 'POST', '/v1/chat/completions', { ...hello, max_tokens: 50 })).status,
      ).toBe(200);
    });

    it('revokes the keys of a user whose role or teams are lowered', async () => {
      const acmeAdmin = world.keys.acmeAdmin ?? '';
      const lowered = await call(acmeAdmin, 'PATCH', `/admin/users/${world.acme.lead ?? ''}`, {
        role: 'member',
      });
      expect(lowered.status).toBe(200);
      expect(lowered.body.revoked_keys).toContain(world.keys.acmeLeadId);
      expect((await call(world.keys.acmeLead ?? '', 'GET', '/admin/keys')).status).toBe(401);
    });
  });

  describe('SQL made of ids, names, metadata and filters is data', () => {
    const hostile = ["' OR 1=1 --", '"; DROP TABLE virtual_keys; --', "x'); DROP TABLE users; --"];

    it('stores hostile names and metadata verbatim and finds nothing with hostile filters', async () => {
      const admin = world.keys.acmeAdmin ?? '';
      for (const text of hostile) {
        const key = await call(admin, 'POST', '/admin/keys', {
          name: text,
          metadata: { note: text },
        });
        expect(key.status).toBe(201);
        const fetched = await call(admin, 'GET', `/admin/keys/${key.body.id as string}`);
        expect(fetched.body).toMatchObject({ name: text, metadata: { note: text } });
        const user = await call(admin, 'POST', '/admin/users', {
          email: 'sql@acme.example',
          name: text,
        });
        expect(user.status).toBe(201);
        expect((await call(admin, 'GET', `/admin/users/${user.body.id as string}`)).body.name).toBe(
          text,
        );
        const query = encodeURIComponent(text);
        for (const path of [
          `/admin/keys?team=${query}`,
          `/admin/keys?owner=${query}`,
          `/admin/users?team=${query}`,
        ]) {
          const listed = await call(admin, 'GET', path);
          expect(listed.status, path).toBe(200);
          expect(listed.body.data, path).toEqual([]);
        }
        expect((await call(admin, 'POST', '/admin/teams', { id: text, name: text })).status).toBe(
          400,
        );
        expect((await call(admin, 'GET', `/admin/keys/${query}`)).status).toBe(404);
        expect((await call(admin, 'PATCH', `/admin/users/${query}`, { name: 'x' })).status).toBe(
          404,
        );
        expect((await call(text, 'GET', '/admin/keys')).status).toBe(401);
        expect((await call(`sk-sb-${text}`, 'GET', '/admin/keys')).status).toBe(401);
      }
      // The tables are intact: every key and user is still there and keys still work.
      const keys = await platform('GET', '/admin/keys?org=acme');
      expect((keys.body.data as Json[]).length).toBeGreaterThan(5);
      expect((await platform('GET', '/admin/users?org=acme')).body.data).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: world.acme.admin })]),
      );
      expect((await call(world.keys.acmeService ?? '', 'GET', '/v1/models')).status).toBe(200);
    });
  });

  describe('who called: the person, the agent and the unverified end user', () => {
    it('records the key owner, the key and the end user the client named', async () => {
      const body = {
        model: 'mock/echo',
        max_tokens: 20,
        user: 'end-user-42',
        messages: [{ role: 'user', content: 'hi' }],
      };
      const first = await call(world.keys.acmeMember ?? '', 'POST', '/v1/chat/completions', body);
      expect(first.status).toBe(200);
      const record = await harness.waitForRecord(
        (each) => each.keyId === world.keys.acmeMemberId && each.endUser?.id === 'end-user-42',
      );
      expect(record).toMatchObject({
        org: 'acme',
        userId: world.acme.member,
        agent: world.keys.acmeMemberId,
        endUser: { id: 'end-user-42', verified: false },
      });
      await call(world.keys.acmeMember ?? '', 'POST', '/v1/chat/completions', body, {
        'x-signalbox-end-user': 'from-header',
      });
      const fromHeader = await harness.waitForRecord((each) => each.endUser?.id === 'from-header');
      expect(fromHeader.endUser).toEqual({ id: 'from-header', verified: false });
      const service = await call(world.keys.acmeService ?? '', 'POST', '/v1/messages', {
        model: 'mock/echo',
        max_tokens: 20,
        metadata: { user_id: 'anthropic-user' },
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(service.status).toBe(200);
      const anthropic = await harness.waitForRecord(
        (each) => each.endUser?.id === 'anthropic-user',
      );
      expect(anthropic).toMatchObject({ userId: undefined, agent: world.keys.acmeServiceId });
    });
  });
});
