import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startGateway } from '../../src/app/start-gateway.ts';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { createPostgresPool } from '../../src/storage/postgres/open-postgres-database.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// A provider credential stored through the admin API and used as `${credential:NAME}`: it must
// reach the provider, and nothing else: no response, log line, record, trace or stored byte.
const canary = `sk-stored-canary-${randomBytes(8).toString('hex')}`;
const replacementCanary = `sk-stored-replacement-${randomBytes(8).toString('hex')}`;
const encryptionKey = randomBytes(32).toString('base64');
const postgresUrl =
  process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function leaks(text: string): string[] {
  return [canary, replacementCanary, encryptionKey].filter((secret) => text.includes(secret));
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function configWith(upstream: MockProviderServer | undefined, storage = ''): string {
  const provider =
    upstream === undefined
      ? ''
      : `
  - id: upstream
    type: openai-compatible
    base_url: "${upstream.baseUrl}"
    api_key: \${credential:upstream-key}
    models: [echo]`;
  return `${storage}
providers:
  - { id: mock, type: mock }${provider}
`;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Everything that went back to a client, as text, for the leak check. */
const seen: string[] = [];

async function record(response: Response): Promise<{ status: number; body: string }> {
  const body = await response.text();
  seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${body}`);
  return { status: response.status, body };
}

async function rawAdmin(
  harness: TestGateway,
  method: string,
  path: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return record(
    await fetch(harness.url + path, {
      method,
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body,
    }),
  );
}

async function chat(
  harness: TestGateway,
  model: string,
): Promise<{ status: number; body: string }> {
  return record(
    await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    }),
  );
}

describe('stored provider credentials', () => {
  it('are stored encrypted, used as ${credential:NAME}, replaced, and never leak', async () => {
    const upstream = await startMockProvider({ apiKey: canary });
    cleanups.push(() => upstream.close());
    const harness = await startTestGateway({
      config: configWith(undefined),
      environment: { SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
    });
    cleanups.push(() => harness.close());

    // Refusals must not quote what was sent.
    const refusals = [
      await rawAdmin(harness, 'POST', '/admin/credentials', `{"name":"bad", "value": ${canary}}`),
      await rawAdmin(
        harness,
        'POST',
        '/admin/credentials',
        JSON.stringify({ name: 'bad', value: canary, extra: canary }),
      ),
      await rawAdmin(
        harness,
        'POST',
        '/admin/credentials',
        JSON.stringify({ name: 'Not Valid', value: canary }),
      ),
      await rawAdmin(
        harness,
        'POST',
        '/admin/credentials',
        JSON.stringify({ name: 'too-big', value: 'x'.repeat(16 * 1024 + 1) }),
      ),
      await rawAdmin(
        harness,
        'POST',
        '/admin/credentials',
        JSON.stringify({ name: 'empty', value: '' }),
      ),
      await rawAdmin(
        harness,
        'PUT',
        '/admin/credentials/absent',
        JSON.stringify({ value: canary }),
      ),
    ];
    expect(refusals.map((refusal) => refusal.status)).toEqual([400, 400, 400, 400, 400, 404]);
    expect(refusals[1]?.body).toContain('unknown field(s): extra');

    const created = await record(
      await harness.admin('POST', '/admin/credentials', { name: 'upstream-key', value: canary }),
    );
    expect(created.status).toBe(201);
    const view = JSON.parse(created.body) as Record<string, unknown>;
    expect(Object.keys(view).sort()).toEqual(['created_at', 'key_id', 'name', 'updated_at']);
    expect(view.name).toBe('upstream-key');
    expect(view.key_id).toMatch(/^[0-9a-f]{16}$/);
    const duplicate = await record(
      await harness.admin('POST', '/admin/credentials', { name: 'upstream-key', value: canary }),
    );
    expect(duplicate.status).toBe(409);

    // The configuration may now use it; a reload resolves it.
    writeFileSync(harness.configPath ?? '', configWith(upstream));
    expect(await harness.gateway.reload()).toMatchObject({ ok: true });
    const answered = await chat(harness, 'upstream/echo');
    expect(answered.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${canary}`);

    // Replacing the value is in force when PUT answers: the mock now refuses the old key.
    const replaced = await record(
      await harness.admin('PUT', '/admin/credentials/upstream-key', { value: replacementCanary }),
    );
    expect(replaced.status).toBe(200);
    const refused = await chat(harness, 'upstream/echo');
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${replacementCanary}`);

    const listed = await record(await harness.admin('GET', '/admin/credentials'));
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({
      object: 'list',
      data: [{ name: 'upstream-key', key_id: view.key_id }],
    });
    await record(await harness.admin('POST', '/admin/credentials/rotate', {}));
    await record(await harness.admin('GET', '/admin/deployments'));

    // Nothing that went back to a client, to the log or to a record carries a secret...
    expect(leaks(seen.join('\n'))).toEqual([]);
    expect(leaks(harness.logLines.join('\n'))).toEqual([]);
    expect(leaks(JSON.stringify(harness.records))).toEqual([]);
    // ...and the state directory (database file and its write-ahead log) holds only ciphertext.
    for (const file of filesUnder(harness.stateDir)) {
      expect(leaks(readFileSync(file).toString('latin1')), file).toEqual([]);
    }
    // Deleting a credential still in use is refused by the reload: the running value stays.
    const deleted = await record(await harness.admin('DELETE', '/admin/credentials/upstream-key'));
    expect(deleted.status).toBe(200);
    expect(harness.logLines.join('')).toContain(
      'stored credential \\"upstream-key\\" does not exist',
    );
    expect(leaks(harness.logLines.join('\n'))).toEqual([]);
  });

  it('refuses to start when a referenced credential is missing, naming it', async () => {
    const upstream = await startMockProvider();
    cleanups.push(() => upstream.close());
    await expect(
      startTestGateway({
        config: configWith(upstream),
        environment: { SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
      }),
    ).rejects.toThrow(
      /providers\.upstream\.api_key: stored credential "upstream-key" does not exist/,
    );
  });

  it('resolves stored credentials at startup and survives a restart with a rotated key', async () => {
    const upstream = await startMockProvider({ apiKey: canary });
    cleanups.push(() => upstream.close());
    const first = await startTestGateway({
      config: configWith(undefined),
      environment: { SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
    });
    const created = await first.admin('POST', '/admin/credentials', {
      name: 'upstream-key',
      value: canary,
    });
    expect(created.status).toBe(201);
    await first.close();
    writeFileSync(first.configPath ?? '', configWith(upstream));

    const newKey = randomBytes(32).toString('hex');
    const restart = (environment: Record<string, string>) =>
      startGateway({
        configPath: first.configPath,
        overrides: { port: 0, host: '127.0.0.1', stateDir: first.stateDir },
        environment: { SIGNALBOX_ADMIN_KEY: testAdminKey, ...environment },
        logDestination: { write: () => undefined },
        watchConfig: false,
      });
    // A new key alone cannot read what the old one sealed, and says which key is missing.
    await expect(restart({ SIGNALBOX_ENCRYPTION_KEY: newKey })).rejects.toThrow(
      /stored credential "upstream-key" cannot be decrypted: it was encrypted under key [0-9a-f]{16}/,
    );
    await expect(restart({})).rejects.toThrow(/SIGNALBOX_ENCRYPTION_KEY .*is not set/);
    const rotating = await restart({
      SIGNALBOX_ENCRYPTION_KEY: newKey,
      SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS: encryptionKey,
    });
    cleanups.push(() => rotating.close());
    const rotated = await fetch(`${rotating.url}/admin/credentials/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    expect(await rotated.json()).toMatchObject({ rotated: 1, unchanged: 0, failed: [] });
    await rotating.close();

    const afterRotation = await restart({ SIGNALBOX_ENCRYPTION_KEY: newKey });
    cleanups.push(() => afterRotation.close());
    const response = await fetch(`${afterRotation.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'upstream/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${canary}`);
  });

  it('refuses a malformed encryption key at startup without echoing it', async () => {
    const short = randomBytes(16).toString('base64');
    const failure = await startTestGateway({
      environment: { SIGNALBOX_ENCRYPTION_KEY: short },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /SIGNALBOX_ENCRYPTION_KEY must hold exactly 32 bytes/,
    );
    expect((failure as Error).message).not.toContain(short);
  });
});

describe('stored provider credentials in PostgreSQL', () => {
  const schema = `sbtest_${randomBytes(5).toString('hex')}_cred`;
  const admin = createPostgresPool({ url: postgresUrl, maxConnections: 2 });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('keeps only ciphertext in the row', async () => {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const harness = await startTestGateway({
      config: `
storage:
  backend: postgres
  postgres_url: \${env:DATABASE_URL}
  postgres_schema: ${schema}
providers:
  - { id: mock, type: mock }
`,
      environment: { DATABASE_URL: postgresUrl, SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
    });
    cleanups.push(() => harness.close());
    const created = await harness.admin('POST', '/admin/credentials', {
      name: 'pg-key',
      value: canary,
    });
    expect(created.status).toBe(201);
    const rows = await admin.query<Record<string, unknown>>(
      `SELECT * FROM ${schema}.provider_credentials`,
    );
    expect(rows.rows).toHaveLength(1);
    const row = rows.rows[0] ?? {};
    expect(Object.keys(row).sort()).toEqual([
      'ciphertext',
      'created_at',
      'key_id',
      'name',
      'updated_at',
    ]);
    const text = Object.values(row)
      .map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value)))
      .join('\n');
    expect(leaks(text)).toEqual([]);
    expect(leaks(harness.logLines.join('\n'))).toEqual([]);
  });
});
