import { describe, expect, it } from 'vitest';
import type { VirtualKeyRecord, VirtualKeyStore } from './ports.ts';

/**
 * A key as stored before keys carried a team and tags (and before organisations): its role is
 * one of the two roles of that time.
 */
export type KeyBeforeTeamAndTags = Pick<
  VirtualKeyRecord,
  'id' | 'name' | 'secretHash' | 'allowedModels' | 'createdAt' | 'expiresAt' | 'revokedAt'
> & { readonly role: 'admin' | 'application' };

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

/** How an old key reads after the upgrade: in `default`, `application` become `service`. */
function upgraded(key: KeyBeforeTeamAndTags): VirtualKeyRecord {
  return {
    ...key,
    role: key.role === 'application' ? 'service' : key.role,
    team: null,
    tags: [],
    org: 'default',
    ownerUser: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    metadata: {},
    createdBy: 'migration',
  };
}

function record(id: string, overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    ...keyBeforeTeamAndTags(id),
    role: 'service',
    team: null,
    tags: [],
    org: 'default',
    ownerUser: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    metadata: {},
    createdBy: 'test',
    ...overrides,
  };
}

/** What a backend with a versioned schema offers the suite, beyond a fresh store. */
export interface VirtualKeyStoreConformanceOptions {
  /**
   * Writes `keys` with the backend's first released schema (before organisations; for SQLite
   * also before teams and tags), then opens the store the current way (upgrading it). Backends
   * without a stored schema leave this out.
   */
  readonly createStoreFromOldSchema?: (
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

    it('stores the organisation, owner, limits, metadata and creator', async () => {
      const store = await createStore();
      const stored = record('limited00000', {
        role: 'member',
        org: 'acme',
        ownerUser: 'usr_0001',
        team: 'payments',
        allowedRoutes: ['chat', 'messages'],
        maxOutputTokens: 512,
        metadata: { cost_centre: 'cc-42', priority: 3, internal: true },
        createdBy: 'creator00000',
      });
      await store.insert(stored);
      expect(await store.findById('limited00000')).toStrictEqual(stored);
      for (const role of ['admin', 'team_admin', 'member', 'viewer', 'service'] as const) {
        await store.insert(record(`role${role}`.slice(0, 12), { role }));
        expect((await store.findById(`role${role}`.slice(0, 12)))?.role).toBe(role);
      }
    });

    it('lists by organisation, team and owner, all filters together', async () => {
      const store = await createStore();
      await store.insert(record('acmepay00000', { org: 'acme', team: 'pay', createdAt: 1 }));
      await store.insert(record('acmeown00000', { org: 'acme', ownerUser: 'u1', createdAt: 2 }));
      await store.insert(record('globexpay000', { org: 'globex', team: 'pay', createdAt: 3 }));
      await store.insert(record('defaultkey00', { createdAt: 4 }));
      const ids = async (filter: Parameters<VirtualKeyStore['list']>[0]) =>
        (await store.list(filter)).map((key) => key.id);
      expect(await ids({ org: 'acme' })).toEqual(['acmepay00000', 'acmeown00000']);
      expect(await ids({ team: 'pay' })).toEqual(['acmepay00000', 'globexpay000']);
      expect(await ids({ org: 'globex', team: 'pay' })).toEqual(['globexpay000']);
      expect(await ids({ ownerUser: 'u1' })).toEqual(['acmeown00000']);
      expect(await ids({ org: 'default' })).toEqual(['defaultkey00']);
      expect(await ids({ org: "acme' OR '1'='1" })).toEqual([]);
      expect(await ids({ team: '"; DROP TABLE virtual_keys; --' })).toEqual([]);
      expect(await ids({})).toHaveLength(4);
    });

    it('updates only the fields given, on active keys only', async () => {
      const store = await createStore();
      const original = record('updatable000', {
        allowedModels: ['fast'],
        allowedRoutes: ['chat'],
        maxOutputTokens: 100,
        expiresAt: 9_000,
        tags: ['eu'],
        metadata: { a: 1 },
      });
      await store.insert(original);
      const renamed = await store.update('updatable000', { name: 'renamed' });
      expect(renamed).toStrictEqual({ ...original, name: 'renamed' });
      const cleared = await store.update('updatable000', {
        allowedModels: null,
        allowedRoutes: null,
        maxOutputTokens: null,
        expiresAt: null,
        tags: [],
        metadata: {},
      });
      const expected = {
        ...original,
        name: 'renamed',
        allowedModels: null,
        allowedRoutes: null,
        maxOutputTokens: null,
        expiresAt: null,
        tags: [],
        metadata: {},
      };
      expect(cleared).toStrictEqual(expected);
      expect(await store.findById('updatable000')).toStrictEqual(expected);
      const set = await store.update('updatable000', {
        allowedModels: ["x'; DROP TABLE virtual_keys; --"],
        metadata: { note: "' OR 1=1 --" },
      });
      expect(set?.allowedModels).toEqual(["x'; DROP TABLE virtual_keys; --"]);
      expect(set?.metadata).toEqual({ note: "' OR 1=1 --" });
      expect(await store.update('missing00000', { name: 'x' })).toBeUndefined();
      expect(await store.update("' OR '1'='1", { name: 'x' })).toBeUndefined();
      await store.revoke('updatable000', 10);
      expect(await store.update('updatable000', { name: 'after' })).toBeUndefined();
      expect((await store.findById('updatable000'))?.name).toBe('renamed');
    });

    const createUpgradedStore = options.createStoreFromOldSchema;
    if (createUpgradedStore !== undefined) {
      it('upgrades old keys to team null, no tags, organisation default and role service', async () => {
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
        expect(await store.findById('oldlimited00')).toStrictEqual(upgraded(limited));
        expect(await store.list({ includeRevoked: true })).toStrictEqual([
          upgraded(limited),
          upgraded(revoked),
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
