import { describe, expect, it } from 'vitest';
import type { VirtualKeyRecord, VirtualKeyStore } from './ports.ts';

/** A key as stored before keys carried a team and tags. */
export type KeyBeforeTeamAndTags = Omit<VirtualKeyRecord, 'team' | 'tags'>;

function keyBeforeTeamAndTags(
  id: string,
  overrides: Partial<KeyBeforeTeamAndTags> = {},
): KeyBeforeTeamAndTags {
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

function record(id: string, overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return { ...keyBeforeTeamAndTags(id), team: null, tags: [], ...overrides };
}

/** What a backend with a versioned schema offers the suite, beyond a fresh store. */
export interface VirtualKeyStoreConformanceOptions {
  /**
   * Writes `keys` with the schema as it was before keys carried a team and tags, then opens the
   * store the current way (upgrading it). Backends without a stored schema leave this out.
   */
  readonly createStoreFromSchemaBeforeTeamAndTags?: (
    keys: readonly KeyBeforeTeamAndTags[],
  ) => Promise<VirtualKeyStore>;
}

/**
 * The behaviour every `VirtualKeyStore` backend must have. Each backend's test calls this with a
 * factory that returns a fresh, empty store.
 */
export function runVirtualKeyStoreConformance(
  name: string,
  createStore: () => Promise<VirtualKeyStore>,
  options: VirtualKeyStoreConformanceOptions = {},
): void {
  describe(`VirtualKeyStore conformance: ${name}`, () => {
    it('stores and finds a key with every field intact', async () => {
      const store = await createStore();
      const stored = record('aaaaaaaaaaaa', {
        allowedModels: ['fast', 'mock/*'],
        expiresAt: 5_000,
        role: 'admin',
        team: 'payments',
        tags: ['eu', 'region:eu-west', 'tier.gold'],
      });
      await store.insert(stored);
      expect(await store.findById('aaaaaaaaaaaa')).toStrictEqual(stored);
      expect(await store.list()).toStrictEqual([stored]);
      expect(await store.findById('missing')).toBeUndefined();
    });

    it('keeps tags in the order given', async () => {
      const store = await createStore();
      await store.insert(record('ordered00000', { tags: ['zeta', 'alpha', 'mu'] }));
      expect((await store.findById('ordered00000'))?.tags).toEqual(['zeta', 'alpha', 'mu']);
    });

    it('reads a key stored without a team or tags as team null and no tags', async () => {
      const store = await createStore();
      await store.insert(record('plain0000000'));
      const found = await store.findById('plain0000000');
      expect(found?.team).toBeNull();
      expect(found?.tags).toStrictEqual([]);
      expect((await store.list())[0]).toStrictEqual(record('plain0000000'));
    });

    it('keeps team and tags when a key is revoked', async () => {
      const store = await createStore();
      await store.insert(record('tagged000000', { team: 'search', tags: ['eu'] }));
      await store.revoke('tagged000000', 2_000);
      const found = await store.findById('tagged000000');
      expect(found?.team).toBe('search');
      expect(found?.tags).toEqual(['eu']);
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

    const createUpgradedStore = options.createStoreFromSchemaBeforeTeamAndTags;
    if (createUpgradedStore !== undefined) {
      it('upgrades keys stored before teams and tags to team null and no tags', async () => {
        const limited = keyBeforeTeamAndTags('oldlimited00', {
          allowedModels: ['fast', 'mock/*'],
          expiresAt: 9_000,
          createdAt: 1_000,
        });
        const revoked = keyBeforeTeamAndTags('oldrevoked00', {
          role: 'admin',
          createdAt: 2_000,
          revokedAt: 3_000,
        });
        const store = await createUpgradedStore([limited, revoked]);
        expect(await store.findById('oldlimited00')).toStrictEqual({
          ...limited,
          team: null,
          tags: [],
        });
        expect(await store.list({ includeRevoked: true })).toStrictEqual([
          { ...limited, team: null, tags: [] },
          { ...revoked, team: null, tags: [] },
        ]);

        // The upgraded store takes new keys with a team and tags, beside the old ones.
        const fresh = record('newtagged000', { createdAt: 4_000, team: 'ml', tags: ['eu'] });
        await store.insert(fresh);
        expect(await store.findById('newtagged000')).toStrictEqual(fresh);
        expect(await store.revoke('oldlimited00', 5_000)).toBe(true);
        expect((await store.list()).map((key) => key.id)).toEqual(['newtagged000']);
      });
    }
  });
}
