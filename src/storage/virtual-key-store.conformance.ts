import { describe, expect, it } from 'vitest';
import type { VirtualKeyRecord, VirtualKeyStore } from './ports.ts';

function record(id: string, overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    id,
    name: `key ${id}`,
    role: 'application',
    secretHash: Buffer.alloc(32, id.charCodeAt(0)),
    allowedModels: null,
    createdAt: 1_000,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/**
 * The behaviour every `VirtualKeyStore` backend must have. Each backend's test calls this with a
 * factory that returns a fresh, empty store.
 */
export function runVirtualKeyStoreConformance(
  name: string,
  createStore: () => Promise<VirtualKeyStore>,
): void {
  describe(`VirtualKeyStore conformance: ${name}`, () => {
    it('stores and finds a key with every field intact', async () => {
      const store = await createStore();
      const stored = record('aaaaaaaaaaaa', {
        allowedModels: ['fast', 'mock/*'],
        expiresAt: 5_000,
        role: 'admin',
      });
      await store.insert(stored);
      expect(await store.findById('aaaaaaaaaaaa')).toEqual(stored);
      expect(await store.findById('missing')).toBeUndefined();
    });

    it('refuses a duplicate id', async () => {
      const store = await createStore();
      await store.insert(record('bbbbbbbbbbbb'));
      await expect(store.insert(record('bbbbbbbbbbbb'))).rejects.toThrow();
    });

    it('lists in creation order and hides revoked keys unless asked', async () => {
      const store = await createStore();
      await store.insert(record('second', { createdAt: 2_000 }));
      await store.insert(record('first', { createdAt: 1_000 }));
      await store.insert(record('third', { createdAt: 3_000 }));
      expect(await store.revoke('second', 4_000)).toBe(true);
      expect((await store.list()).map((key) => key.id)).toEqual(['first', 'third']);
      const all = await store.list({ includeRevoked: true });
      expect(all.map((key) => key.id)).toEqual(['first', 'second', 'third']);
      expect(all[1]?.revokedAt).toBe(4_000);
    });

    it('revokes once; revoking again or an unknown key reports false', async () => {
      const store = await createStore();
      await store.insert(record('cccccccccccc'));
      expect(await store.revoke('cccccccccccc', 10)).toBe(true);
      expect(await store.revoke('cccccccccccc', 20)).toBe(false);
      expect((await store.findById('cccccccccccc'))?.revokedAt).toBe(10);
      expect(await store.revoke('nope', 10)).toBe(false);
    });

    it('offers a change marker that can be read at any time', async () => {
      const store = await createStore();
      const marker = await store.changeMarker();
      expect(Number.isFinite(marker)).toBe(true);
    });
  });
}
