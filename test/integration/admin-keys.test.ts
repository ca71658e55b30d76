import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config: 'providers:\n  - { id: mock, type: mock }\n' });
});

afterAll(async () => {
  await harness.close();
});

async function status(key: string): Promise<number> {
  const response = await fetch(`${harness.baseUrl}/models`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return response.status;
}

describe('admin API for virtual keys', () => {
  it('creates a key shown once, lists it without its secret, and revokes it', async () => {
    const created = await harness.admin('POST', '/admin/keys', {
      name: 'billing-service',
      models: ['mock/*'],
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as {
      id: string;
      key: string;
      models: string[];
      display: string;
    };
    expect(body.key).toMatch(/^sk-sb-/);
    expect(body.models).toEqual(['mock/*']);
    expect(await status(body.key)).toBe(200);

    const listed = await (await harness.admin('GET', '/admin/keys')).text();
    expect(listed).toContain(body.id);
    expect(listed).not.toContain(body.key);
    expect(listed).not.toContain('secret');

    const revoked = await harness.admin('DELETE', `/admin/keys/${body.id}`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    expect(await status(body.key)).toBe(401);
    expect((await harness.admin('GET', `/admin/keys/${body.id}`)).status).toBe(200);
    expect((await harness.admin('DELETE', '/admin/keys/doesnotexist')).status).toBe(404);
  });

  it('creates a key with a team and tags, and shows them on create, get and list', async () => {
    const created = await harness.admin('POST', '/admin/keys', {
      name: 'eu-billing',
      team: 'payments',
      tags: ['pii', 'eu', 'region:eu-west'],
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as {
      id: string;
      key: string;
      team: string;
      tags: string[];
    };
    expect(body.team).toBe('payments');
    expect(body.tags).toEqual(['eu', 'pii', 'region:eu-west']);
    expect(await status(body.key)).toBe(200);

    const fetched = (await (await harness.admin('GET', `/admin/keys/${body.id}`)).json()) as {
      team: string;
      tags: string[];
    };
    expect(fetched).toMatchObject({ team: 'payments', tags: ['eu', 'pii', 'region:eu-west'] });
    const listed = (await (await harness.admin('GET', '/admin/keys')).json()) as {
      data: { id: string; team: string | null; tags: string[] }[];
    };
    expect(listed.data.find((key) => key.id === body.id)).toMatchObject({
      team: 'payments',
      tags: ['eu', 'pii', 'region:eu-west'],
    });
  });

  it('gives a key created without a team or tags team null and no tags', async () => {
    const created = await harness.admin('POST', '/admin/keys', { name: 'plain', team: null });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ team: null, tags: [] });
  });

  it.each([
    [{ name: 'x', team: 'Payments' }, 'team'],
    [{ name: 'x', team: '' }, 'team'],
    [{ name: 'x', team: '-payments' }, 'team'],
    [{ name: 'x', team: 'a'.repeat(64) }, 'team'],
    [{ name: 'x', team: 7 }, 'team'],
    [{ name: 'x', tags: 'eu' }, 'tags'],
    [{ name: 'x', tags: null }, 'tags'],
    [{ name: 'x', tags: ['eu', 'EU'] }, 'tags[1]'],
    [{ name: 'x', tags: ['eu', 'pii', 'eu'] }, 'tags[2]'],
    [{ name: 'x', tags: [''] }, 'tags[0]'],
    [{ name: 'x', tags: [42] }, 'tags[0]'],
    [{ name: 'x', tags: Array.from({ length: 33 }, (_, index) => `t${String(index)}`) }, 'tags'],
  ])('refuses a bad team or tags %j, naming %s', async (input, param) => {
    const response = await harness.admin('POST', '/admin/keys', input);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { param: string; message: string } }).error;
    expect(error.param).toBe(param);
    expect(error.message).toContain(`\`${param}\``);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', models: ['nonexistent-model'] }, 'models[0]'],
    [{ name: 'x', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
    [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
    // Role is a field now (checked against the caller's rights); these never are.
    [{ name: 'x', role: 'superuser' }, 'role'],
    [{ name: 'x', secret_hash: 'AAAA' }, '(body)'],
    [{ name: 'x', created_by: 'someone' }, '(body)'],
  ])('refuses %j, naming %s', async (input, param) => {
    const response = await harness.admin('POST', '/admin/keys', input);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
  });

  it('lets the admin key call the model API, for trying things out', async () => {
    expect(await status(testAdminKey)).toBe(200);
  });
});

describe('signalbox keys (CLI) against a running gateway', () => {
  it('creates a key the gateway accepts and revokes it within a second or so', async () => {
    const create = captureIo();
    const exitCode = await runCli(
      [
        'keys',
        'create',
        '--name',
        'from-cli',
        '--models',
        'mock/echo',
        '--state-dir',
        harness.stateDir,
        '--json',
      ],
      create.io,
    );
    expect(exitCode).toBe(0);
    const created = JSON.parse(create.out.join('')) as { key: string; id: string };
    expect(await status(created.key)).toBe(200);

    const list = captureIo();
    expect(await runCli(['keys', 'list', '--state-dir', harness.stateDir], list.io)).toBe(0);
    expect(list.out.join('\n')).toContain('from-cli');

    const revoke = captureIo();
    expect(
      await runCli(['keys', 'revoke', created.id, '--state-dir', harness.stateDir], revoke.io),
    ).toBe(0);
    const started = Date.now();
    let code = await status(created.key);
    while (code !== 401 && Date.now() - started < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      code = await status(created.key);
    }
    expect(code).toBe(401);
  });

  it('creates a key with --team and repeated --tag, and lists them', async () => {
    const create = captureIo();
    const exitCode = await runCli(
      [
        'keys',
        'create',
        '--name',
        'eu-reports',
        '--team',
        'analytics',
        '--tag',
        'pii',
        '--tag',
        'eu',
        '--state-dir',
        harness.stateDir,
        '--json',
      ],
      create.io,
    );
    expect(exitCode).toBe(0);
    const created = JSON.parse(create.out.join('')) as { id: string; team: string; tags: string[] };
    expect(created).toMatchObject({ team: 'analytics', tags: ['eu', 'pii'] });

    const list = captureIo();
    expect(await runCli(['keys', 'list', '--state-dir', harness.stateDir], list.io)).toBe(0);
    const line = list.out
      .join('\n')
      .split('\n')
      .find((text) => text.includes(created.id));
    expect(line).toContain('team analytics');
    expect(line).toContain('tags eu, pii');

    // The running gateway reads the same key, team and tags included.
    const fetched = await harness.admin('GET', `/admin/keys/${created.id}`);
    expect(await fetched.json()).toMatchObject({ team: 'analytics', tags: ['eu', 'pii'] });
  });

  it.each([
    [['--team', 'Analytics'], '--team must be 1-63 characters'],
    [['--tag', 'eu', '--tag', 'eu'], '--tag "eu" repeats the tag "eu"'],
    [['--tag', 'EU'], '--tag "EU" must be 1-63 characters'],
    [
      Array.from({ length: 33 }, (_, index) => ['--tag', `t${String(index)}`]).flat(),
      '--tag may be given at most 32 times',
    ],
  ])('refuses bad team or tags %j with status 2: %s', async (options, message) => {
    const bad = captureIo();
    expect(
      await runCli(
        ['keys', 'create', '--name', 'x', ...options, '--state-dir', harness.stateDir],
        bad.io,
      ),
    ).toBe(2);
    expect(bad.error.join('').split('\n')[0]).toContain(message);
  });

  it('refuses model names that match nothing, and bad usage with status 2', async () => {
    const unknown = captureIo();
    expect(
      await runCli(
        ['keys', 'create', '--name', 'x', '--models', 'nope', '--state-dir', harness.stateDir],
        unknown.io,
      ),
    ).toBe(1);
    expect(unknown.error.join('')).toContain('nope');
    const usage = captureIo();
    expect(await runCli(['keys', 'create', '--state-dir', harness.stateDir], usage.io)).toBe(2);
    expect(await runCli(['keys', 'frobnicate'], captureIo().io)).toBe(2);
  });
});
