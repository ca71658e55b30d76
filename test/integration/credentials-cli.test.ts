import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { systemClock } from '../../src/lib/clock.ts';
import { parseEncryptionKey, EncryptionKeyRing } from '../../src/lib/encryption-key-ring.ts';
import { SecretValue } from '../../src/lib/secret-value.ts';
import { ProviderCredentialService } from '../../src/pipeline/credentials/provider-credential-service.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { SqliteProviderCredentialStore } from '../../src/storage/sqlite/provider-credential-store.ts';
import { captureIo } from '../helpers/capture-io.ts';

const canary = `sk-cli-canary-${randomBytes(6).toString('hex')}`;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('signalbox credentials', () => {
  it('lists, re-encrypts under a new key and deletes, never printing a value', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-credentials-cli-')), 'state');
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('hex');
    const database = openSqliteDatabase(stateDir);
    await new ProviderCredentialService(
      new SqliteProviderCredentialStore(database),
      systemClock,
      new EncryptionKeyRing(parseEncryptionKey(oldKey, 'old')),
    ).create('openai-prod', new SecretValue(canary));
    database.close();

    vi.stubEnv('SIGNALBOX_ENCRYPTION_KEY', newKey);
    vi.stubEnv('SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS', oldKey);
    const printed: string[] = [];
    const run = async (...args: string[]): Promise<number> => {
      const { io, out, error } = captureIo();
      const status = await runCli(['credentials', ...args, '--state-dir', stateDir], io);
      printed.push(...out, ...error);
      return status;
    };

    expect(await run('list')).toBe(0);
    expect(printed.at(-1)).toContain(`openai-prod  key ${parseEncryptionKey(oldKey, 'o').id}`);
    expect(await run('rotate')).toBe(0);
    expect(printed.at(-1)).toContain(
      `Re-encrypted 1 credential(s) under key ${parseEncryptionKey(newKey, 'n').id}`,
    );
    expect(await run('list', '--json')).toBe(0);
    expect(JSON.parse(printed.at(-1) ?? '[]')).toMatchObject([
      { name: 'openai-prod', key_id: parseEncryptionKey(newKey, 'n').id },
    ]);
    expect(await run('delete', 'openai-prod')).toBe(0);
    expect(await run('delete', 'openai-prod')).toBe(1);
    expect(await run('list')).toBe(0);
    expect(printed.at(-1)).toBe('No stored credentials.');
    expect(printed.join('\n')).not.toContain(canary);
    expect(printed.join('\n')).not.toContain(oldKey);
    expect(printed.join('\n')).not.toContain(newKey);
  });
});
