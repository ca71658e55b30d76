import { describe, expect, it } from 'vitest';
import type { ConsoleSessionRecord, ConsoleSessionStore } from './console-session-store.ts';

function session(idHash: string, expiresAt: number): ConsoleSessionRecord {
  return {
    idHash,
    keyId: 'key_a',
    csrfToken: `csrf-${idHash.slice(0, 4)}`,
    createdAt: 1_000,
    expiresAt,
    lastSeenAt: 1_000,
    revokedAt: null,
  };
}

const hashA = 'a'.repeat(64);
const hashB = 'b'.repeat(64);

/** The behaviour every `ConsoleSessionStore` backend must have. */
export function runConsoleSessionStoreConformance(
  name: string,
  open: () => Promise<{ store: ConsoleSessionStore; reopen: () => Promise<ConsoleSessionStore> }>,
): void {
  describe(`ConsoleSessionStore conformance: ${name}`, () => {
    it('finds a session by its hash, also from another connection', async () => {
      const { store, reopen } = await open();
      await store.insert(session(hashA, 2_000_000_000_000));
      expect(await store.findByHash(hashA)).toEqual(session(hashA, 2_000_000_000_000));
      expect(await (await reopen()).findByHash(hashA)).toEqual(session(hashA, 2_000_000_000_000));
      expect(await store.findByHash(hashB)).toBeUndefined();
      expect(await store.findByHash("' OR '1'='1")).toBeUndefined();
    });

    it('records use only forward in time and only while not revoked', async () => {
      const { store } = await open();
      await store.insert(session(hashA, 2_000_000_000_000));
      await store.touch(hashA, 5_000);
      await store.touch(hashA, 4_000);
      expect((await store.findByHash(hashA))?.lastSeenAt).toBe(5_000);
      expect(await store.revoke(hashA, 6_000)).toBe(true);
      expect(await store.revoke(hashA, 7_000)).toBe(false);
      expect(await store.revoke(hashB, 7_000)).toBe(false);
      await store.touch(hashA, 8_000);
      expect(await store.findByHash(hashA)).toMatchObject({ lastSeenAt: 5_000, revokedAt: 6_000 });
    });

    it('purges only sessions that expired before the given time', async () => {
      const { store } = await open();
      await store.insert(session(hashA, 10_000));
      await store.insert(session(hashB, 30_000));
      expect(await store.purgeExpired(20_000)).toBe(1);
      expect(await store.findByHash(hashA)).toBeUndefined();
      expect(await store.findByHash(hashB)).toBeDefined();
    });

    it('refuses a second session with the same hash', async () => {
      const { store } = await open();
      await store.insert(session(hashA, 10_000));
      await expect(store.insert(session(hashA, 20_000))).rejects.toThrow();
    });
  });
}
