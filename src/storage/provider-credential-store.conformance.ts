import { describe, expect, it } from 'vitest';
import type { ProviderCredentialRecord, ProviderCredentialStore } from './ports.ts';

function record(
  name: string,
  overrides: Partial<ProviderCredentialRecord> = {},
): ProviderCredentialRecord {
  return {
    name,
    keyId: '0123456789abcdef',
    ciphertext: Buffer.from(`sealed ${name}`),
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

/**
 * The behaviour every `ProviderCredentialStore` backend must have. Each backend's test calls
 * this with a factory that returns a fresh, empty store.
 */
export function runProviderCredentialStoreConformance(
  name: string,
  createStore: () => Promise<ProviderCredentialStore>,
): void {
  describe(`ProviderCredentialStore conformance: ${name}`, () => {
    it('stores and finds a credential with every field intact', async () => {
      const store = await createStore();
      const stored = record('openai-prod', {
        ciphertext: Buffer.from([0, 1, 2, 255, 0, 128]),
        createdAt: 1_700_000_000_123,
        updatedAt: 1_700_000_000_456,
      });
      expect(await store.insert(stored)).toBe(true);
      expect(await store.findByName('openai-prod')).toStrictEqual(stored);
      expect(await store.list()).toStrictEqual([stored]);
      expect(await store.findByName('missing')).toBeUndefined();
    });

    it('refuses a second credential of the same name and keeps the first', async () => {
      const store = await createStore();
      await store.insert(record('taken'));
      expect(await store.insert(record('taken', { ciphertext: Buffer.from('other') }))).toBe(false);
      expect((await store.findByName('taken'))?.ciphertext).toStrictEqual(
        Buffer.from('sealed taken'),
      );
    });

    it('lists credentials ordered by name in byte order', async () => {
      const store = await createStore();
      for (const entry of ['b-two', 'a_one', 'a-one', '0zero', 'c']) {
        await store.insert(record(entry));
      }
      expect((await store.list()).map((entry) => entry.name)).toEqual([
        '0zero',
        'a-one',
        'a_one',
        'b-two',
        'c',
      ]);
    });

    it('replaces the value and update time but keeps the creation time', async () => {
      const store = await createStore();
      await store.insert(record('rotating'));
      const replaced = record('rotating', {
        keyId: 'fedcba9876543210',
        ciphertext: Buffer.from('new sealed'),
        createdAt: 9_999,
        updatedAt: 2_000,
      });
      expect(await store.replace(replaced)).toBe(true);
      expect(await store.findByName('rotating')).toStrictEqual({ ...replaced, createdAt: 1_000 });
      expect(await store.replace(record('absent'))).toBe(false);
      expect(await store.findByName('absent')).toBeUndefined();
    });

    it('replaces only while the stored ciphertext is the expected one', async () => {
      const store = await createStore();
      await store.insert(record('guarded'));
      const next = record('guarded', { ciphertext: Buffer.from('re-encrypted') });
      expect(await store.replace(next, Buffer.from('stale'))).toBe(false);
      expect((await store.findByName('guarded'))?.ciphertext).toStrictEqual(
        Buffer.from('sealed guarded'),
      );
      expect(await store.replace(next, Buffer.from('sealed guarded'))).toBe(true);
      expect((await store.findByName('guarded'))?.ciphertext).toStrictEqual(
        Buffer.from('re-encrypted'),
      );
    });

    it('removes a credential once', async () => {
      const store = await createStore();
      await store.insert(record('gone'));
      await store.insert(record('kept'));
      expect(await store.remove('gone')).toBe(true);
      expect(await store.remove('gone')).toBe(false);
      expect(await store.findByName('gone')).toBeUndefined();
      expect((await store.list()).map((entry) => entry.name)).toEqual(['kept']);
      expect(await store.insert(record('gone'))).toBe(true);
    });

    it('treats names made of SQL as data', async () => {
      const store = await createStore();
      const hostile = "x'); DROP TABLE provider_credentials; --";
      expect(await store.findByName("' OR '1'='1")).toBeUndefined();
      expect(await store.remove("' OR '1'='1")).toBe(false);
      await store.insert(record('safe'));
      expect(await store.insert(record(hostile))).toBe(true);
      expect((await store.findByName(hostile))?.name).toBe(hostile);
      expect(await store.list()).toHaveLength(2);
    });
  });
}
