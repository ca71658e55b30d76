import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import { MemoryVirtualKeyStore } from '../../storage/memory/virtual-key-store.ts';
import { KeyAuthenticator } from './key-authenticator.ts';
import { hashKeyText, mintVirtualKey, readKeyId } from './virtual-key-format.ts';
import { VirtualKeyService } from './virtual-key-service.ts';

function setup(options: { adminKey?: string } = {}) {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, monotonic: () => now };
  const store = new MemoryVirtualKeyStore();
  const authenticator = new KeyAuthenticator({
    store,
    clock,
    environmentAdminKeyHash:
      options.adminKey === undefined ? undefined : hashKeyText(options.adminKey),
  });
  const service = new VirtualKeyService(store, clock, authenticator);
  return { store, authenticator, service, advance: (ms: number) => (now += ms) };
}

describe('virtual key format', () => {
  it('mints sk-sb- keys whose id is readable and whose hash is SHA-256 of the text', () => {
    const key = mintVirtualKey();
    expect(key.text).toMatch(/^sk-sb-[0-9A-Za-z]{44}$/);
    expect(readKeyId(key.text)).toBe(key.id);
    expect(key.secretHash.equals(hashKeyText(key.text))).toBe(true);
    expect(readKeyId("sk-sb-' OR '1'='1")).toBeUndefined();
  });
});

describe('KeyAuthenticator', () => {
  it('accepts a created key and carries its model list', async () => {
    const { service, authenticator } = setup();
    const { key, view } = await service.create({
      name: 'app',
      allowedModels: ['fast'],
      expiresAt: null,
    });
    expect(await authenticator.authenticate(key)).toStrictEqual({
      role: 'service',
      org: 'default',
      userId: undefined,
      agent: view.id,
      keyId: view.id,
      keyName: 'app',
      team: undefined,
      tags: [],
      allowedModels: ['fast'],
      allowedRoutes: null,
      maxOutputTokens: null,
      expiresAt: null,
    });
  });

  it('carries the key team and tags, sorted, for routing rules', async () => {
    const { service, authenticator } = setup();
    const { key } = await service.create({
      name: 'app',
      allowedModels: null,
      expiresAt: null,
      team: 'payments',
      tags: ['pii', 'eu', 'region:eu-west'],
    });
    const principal = await authenticator.authenticate(key);
    expect(principal?.team).toBe('payments');
    expect(principal?.tags).toEqual(['eu', 'pii', 'region:eu-west']);
    expect(Object.isFrozen(principal?.tags)).toBe(true);
    // Answered from the cache the second time, with the same facts.
    expect(authenticator.authenticate(key)).toBe(principal);
  });

  it('gives the SIGNALBOX_ADMIN_KEY principal no team and no tags', async () => {
    const adminKey = 'an-operator-chosen-admin-key-0123456789';
    const { authenticator } = setup({ adminKey });
    const principal = await authenticator.authenticate(adminKey);
    expect(principal?.team).toBeUndefined();
    expect(principal?.tags).toEqual([]);
  });

  it('refuses a key whose id exists but whose secret differs', async () => {
    const { service, authenticator } = setup();
    const { key } = await service.create({ name: 'app', allowedModels: null, expiresAt: null });
    const forged = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    expect(await authenticator.authenticate(forged)).toBeUndefined();
  });

  it.each(["' OR '1'='1", 'sk-sb-', '', 'x'.repeat(100_000), 'sk-sb-\u0000\u0000'])(
    'refuses %j',
    async (text) => {
      const { authenticator } = setup();
      expect(await authenticator.authenticate(text)).toBeUndefined();
    },
  );

  it('stops accepting a key as soon as it is revoked here', async () => {
    const { service, authenticator } = setup();
    const { key, view } = await service.create({
      name: 'app',
      allowedModels: null,
      expiresAt: null,
    });
    expect(await authenticator.authenticate(key)).toBeDefined();
    await service.revoke(view.id);
    expect(await authenticator.authenticate(key)).toBeUndefined();
  });

  it('stops accepting a key revoked by another process once refreshed', async () => {
    const { service, authenticator, store } = setup();
    const { key, view } = await service.create({
      name: 'app',
      allowedModels: null,
      expiresAt: null,
    });
    await authenticator.refresh();
    expect(await authenticator.authenticate(key)).toBeDefined();
    await store.revoke(view.id, 1);
    await authenticator.refresh();
    expect(await authenticator.authenticate(key)).toBeUndefined();
  });

  it('refuses an expired key', async () => {
    const { service, authenticator, advance } = setup();
    const { key } = await service.create({
      name: 'app',
      allowedModels: null,
      expiresAt: 1_000_000 + 60_000,
    });
    expect(await authenticator.authenticate(key)).toBeDefined();
    advance(60_000);
    expect(await authenticator.authenticate(key)).toBeUndefined();
  });

  it('lets SIGNALBOX_ADMIN_KEY replace the stored admin key', async () => {
    const adminKey = 'an-operator-chosen-admin-key-0123456789';
    const { service, authenticator } = setup({ adminKey });
    const stored = await service.ensureAdminKey();
    expect(stored).toBeDefined();
    expect((await authenticator.authenticate(adminKey))?.role).toBe('admin');
    expect(await authenticator.authenticate(stored ?? '')).toBeUndefined();
  });

  it('creates the admin key once and rotates it on demand', async () => {
    const { service, authenticator } = setup();
    const first = await service.ensureAdminKey();
    expect(await service.ensureAdminKey()).toBeUndefined();
    expect((await authenticator.authenticate(first ?? ''))?.role).toBe('admin');
    const second = await service.rotateAdminKey();
    expect(await authenticator.authenticate(first ?? '')).toBeUndefined();
    expect((await authenticator.authenticate(second))?.role).toBe('admin');
  });
});

describe('KeyAuthenticator.principalOfKeyId (console sessions)', () => {
  it('finds a key by id until it is revoked or expires', async () => {
    const { service, authenticator, advance } = setup();
    const { view } = await service.create({
      name: 'console',
      allowedModels: null,
      expiresAt: 1_000_000 + 60_000,
    });
    const principal = await authenticator.principalOfKeyId(view.id);
    expect(principal?.keyId).toBe(view.id);
    expect(principal === undefined ? undefined : authenticator.referenceOf(principal)).toBe(
      view.id,
    );
    advance(60_000);
    expect(await authenticator.principalOfKeyId(view.id)).toBeUndefined();
    const { view: other } = await service.create({
      name: 'other',
      allowedModels: null,
      expiresAt: null,
    });
    await service.revoke(other.id);
    expect(await authenticator.principalOfKeyId(other.id)).toBeUndefined();
    expect(await authenticator.principalOfKeyId('key_missing')).toBeUndefined();
  });

  it('names SIGNALBOX_ADMIN_KEY by a fingerprint, so another admin key ends its sessions', async () => {
    const first = setup({ adminKey: 'first-admin-key-0123456789abcdef' }).authenticator;
    const admin = first.authenticate('first-admin-key-0123456789abcdef');
    if (admin === undefined || admin instanceof Promise) throw new Error('expected the admin');
    const reference = first.referenceOf(admin);
    expect(reference).toMatch(/^environment:[0-9a-f]{32}$/);
    expect(reference).not.toContain('first-admin-key');
    expect((await first.principalOfKeyId(reference))?.keyId).toBe('environment');
    expect(await first.principalOfKeyId('environment')).toBeUndefined();
    const second = setup({ adminKey: 'second-admin-key-0123456789abcdef' }).authenticator;
    expect(await second.principalOfKeyId(reference)).toBeUndefined();
    expect(await setup().authenticator.principalOfKeyId(reference)).toBeUndefined();
  });
});
