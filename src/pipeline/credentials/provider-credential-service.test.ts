import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { EncryptionKeyRing, encryptionKeyId } from '../../lib/encryption-key-ring.ts';
import { SecretValue } from '../../lib/secret-value.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteProviderCredentialStore } from '../../storage/sqlite/provider-credential-store.ts';
import { ProviderCredentialService } from './provider-credential-service.ts';

const oldKey = { id: encryptionKeyId(Buffer.alloc(32, 1)), material: Buffer.alloc(32, 1) };
const newKey = { id: encryptionKeyId(Buffer.alloc(32, 2)), material: Buffer.alloc(32, 2) };
const canary = 'sk-service-canary-4e8a1c0d6b2f';

function clockAt(start: number): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, monotonic: () => now, advance: (ms) => void (now += ms) };
}

function freshStore(): SqliteProviderCredentialStore {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-credential-service-')), 'state');
  return new SqliteProviderCredentialStore(openSqliteDatabase(stateDir));
}

async function resolved(service: ProviderCredentialService, name: string): Promise<string> {
  const result = (await service.lookup())(name);
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.secret.reveal();
}

describe('ProviderCredentialService', () => {
  it('stores encrypted, shows only metadata and resolves the value through a lookup', async () => {
    const store = freshStore();
    const clock = clockAt(1_700_000_000_000);
    const service = new ProviderCredentialService(store, clock, new EncryptionKeyRing(newKey));
    const view = await service.create('openai-prod', new SecretValue(canary));
    expect(view).toEqual({
      name: 'openai-prod',
      key_id: newKey.id,
      created_at: '2023-11-14T22:13:20.000Z',
      updated_at: '2023-11-14T22:13:20.000Z',
    });
    expect(JSON.stringify(await service.list())).not.toContain(canary);
    expect((await store.findByName('openai-prod'))?.ciphertext.toString('latin1')).not.toContain(
      canary,
    );
    expect(await resolved(service, 'openai-prod')).toBe(canary);

    await expect(service.create('openai-prod', new SecretValue('other'))).rejects.toMatchObject({
      code: 'SB_ERR_CREDENTIAL_EXISTS',
    });
    clock.advance(5_000);
    const replaced = await service.replace('openai-prod', new SecretValue('replaced'));
    expect(replaced?.created_at).toBe(view.created_at);
    expect(replaced?.updated_at).toBe('2023-11-14T22:13:25.000Z');
    expect(await resolved(service, 'openai-prod')).toBe('replaced');
    expect(await service.replace('missing', new SecretValue('x'))).toBeUndefined();
    expect(await service.remove('openai-prod')).toBe(true);
    expect(await service.list()).toEqual([]);
  });

  it('explains a missing credential or key by name, never by value', async () => {
    const store = freshStore();
    await new ProviderCredentialService(store, clockAt(1), new EncryptionKeyRing(newKey)).create(
      'stored',
      new SecretValue(canary),
    );
    const keyless = new ProviderCredentialService(store, clockAt(1), undefined);
    const lookup = await keyless.lookup();
    expect(lookup('absent')).toEqual({
      ok: false,
      message: expect.stringContaining('"absent" does not exist') as unknown,
    });
    const undecryptable = lookup('stored');
    expect(undecryptable.ok).toBe(false);
    expect(JSON.stringify(undecryptable)).toContain('SIGNALBOX_ENCRYPTION_KEY');
    expect(JSON.stringify(undecryptable)).not.toContain(canary);
    // Listing and deleting need no key; storing does.
    expect((await keyless.list()).map((view) => view.name)).toEqual(['stored']);
    await expect(keyless.create('another', new SecretValue('x'))).rejects.toBeInstanceOf(
      GatewayError,
    );
    await expect(keyless.rotate()).rejects.toMatchObject({ code: 'SB_ERR_CREDENTIAL_KEY_MISSING' });

    const wrongKey = new ProviderCredentialService(
      store,
      clockAt(1),
      new EncryptionKeyRing(oldKey),
    );
    const wrong = (await wrongKey.lookup())('stored');
    expect(wrong.ok).toBe(false);
    expect(JSON.stringify(wrong)).toContain(newKey.id);
  });

  it('re-encrypts under the current key, keeping values and update times', async () => {
    const store = freshStore();
    const before = new ProviderCredentialService(store, clockAt(10), new EncryptionKeyRing(oldKey));
    await before.create('alpha', new SecretValue('value-a'));
    await before.create('beta', new SecretValue('value-b'));
    const rotating = new ProviderCredentialService(
      store,
      clockAt(99),
      new EncryptionKeyRing(newKey, [oldKey]),
    );
    await rotating.create('gamma', new SecretValue('value-c'));
    expect(await rotating.rotate()).toEqual({
      key_id: newKey.id,
      rotated: 2,
      unchanged: 1,
      failed: [],
    });
    const after = new ProviderCredentialService(store, clockAt(200), new EncryptionKeyRing(newKey));
    expect(await resolved(after, 'alpha')).toBe('value-a');
    expect(await resolved(after, 'beta')).toBe('value-b');
    expect((await after.list()).map((view) => [view.key_id, view.updated_at])).toEqual([
      [newKey.id, new Date(10).toISOString()],
      [newKey.id, new Date(10).toISOString()],
      [newKey.id, new Date(99).toISOString()],
    ]);
    expect(await after.rotate()).toMatchObject({ rotated: 0, unchanged: 3 });
  });

  it('reports credentials it cannot decrypt during rotation and leaves them alone', async () => {
    const store = freshStore();
    await new ProviderCredentialService(store, clockAt(1), new EncryptionKeyRing(oldKey)).create(
      'orphan',
      new SecretValue('value'),
    );
    const stored = await store.findByName('orphan');
    const report = await new ProviderCredentialService(
      store,
      clockAt(2),
      new EncryptionKeyRing(newKey),
    ).rotate();
    expect(report).toMatchObject({ rotated: 0, unchanged: 0, failed: ['orphan'] });
    expect(await store.findByName('orphan')).toStrictEqual(stored);
  });
});
