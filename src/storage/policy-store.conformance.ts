import { describe, expect, it } from 'vitest';
import type { PolicyStore, PolicyVersionRecord } from './ports.ts';

function version(id: string, createdAt: number): PolicyVersionRecord {
  return {
    version: id,
    name: 'acme',
    text: `name: acme # ${id}\nrules: []\n`,
    createdAt,
    createdBy: 'key_a',
  };
}

/** The behaviour every `PolicyStore` backend must have. */
export function runPolicyStoreConformance(
  name: string,
  open: () => Promise<{ store: PolicyStore; reopen: () => Promise<PolicyStore> }>,
): void {
  describe(`PolicyStore conformance: ${name}`, () => {
    it('has no policy in force until one is activated', async () => {
      const { store } = await open();
      expect(await store.active()).toBeUndefined();
      expect(await store.listVersions(10)).toEqual([]);
    });

    it('stores each version once and keeps it unchanged', async () => {
      const { store } = await open();
      expect(await store.saveVersion(version('v1', 1))).toBe(true);
      expect(await store.saveVersion({ ...version('v1', 5), text: 'other' })).toBe(false);
      expect(await store.findVersion('v1')).toEqual(version('v1', 1));
      expect(await store.findVersion("v1' OR '1'='1")).toBeUndefined();
    });

    it('puts the latest activation in force, and rolls back by activating an older one', async () => {
      const { store, reopen } = await open();
      await store.saveVersion(version('v1', 1));
      await store.saveVersion(version('v2', 2));
      await store.activate('v1', 10, 'key_a');
      const second = await store.activate('v2', 20, 'key_b');
      expect(second).toMatchObject({ version: 'v2', activatedAt: 20, activatedBy: 'key_b' });
      expect((await store.active())?.record.version).toBe('v2');
      await store.activate('v1', 30, 'key_a');
      const other = await reopen();
      expect((await other.active())?.record.version).toBe('v1');
      expect((await other.listActivations(10)).map((activation) => activation.version)).toEqual([
        'v1',
        'v2',
        'v1',
      ]);
      expect((await other.listVersions(10)).map((record) => record.version)).toEqual(['v2', 'v1']);
    });

    it('refuses to activate a version it does not have', async () => {
      const { store } = await open();
      await expect(store.activate('missing', 1, 'key_a')).rejects.toThrow(RangeError);
      expect(await store.listActivations(10)).toEqual([]);
    });
  });
}
