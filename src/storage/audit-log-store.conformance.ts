import { describe, expect, it } from 'vitest';
import { buildAuditRecords, type AuditEvent } from '../pipeline/audit/audit-record.ts';
import type { AuditLogStore } from './ports.ts';

/** One backend's audit log, and raw SQL on the same database (as an attacker would use it). */
export interface AuditLogBackend {
  readonly store: AuditLogStore;
  /** Runs one raw statement; rejects when the database refuses it. */
  raw(sql: string): Promise<void>;
}

function events(count: number, start = 0): AuditEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    at: 1_700_000_000_000 + start + index,
    kind: 'test.event',
    payload: { n: start + index, nested: { b: [1, 'two'], a: null } },
  }));
}

/** The shared behaviour of every AuditLogStore backend. */
export function runAuditLogStoreConformance(
  name: string,
  open: () => Promise<AuditLogBackend>,
): void {
  describe(`${name} audit log store`, () => {
    it('appends, reads in seq order, and reports last and count', async () => {
      const { store } = await open();
      expect(await store.last()).toBeUndefined();
      expect(await store.count()).toBe(0);
      const first = buildAuditRecords(undefined, events(3));
      await store.append(first);
      const second = buildAuditRecords(first.at(-1), events(4, 3));
      await store.append(second);
      expect(await store.count()).toBe(7);
      expect(await store.last()).toEqual(second.at(-1));
      expect(await store.read(0, 100)).toEqual([...first, ...second]);
      expect(await store.read(2, 3)).toEqual([first[2], second[0], second[1]]);
      expect(await store.read(7, 10)).toEqual([]);
      await store.append([]);
      expect(await store.count()).toBe(7);
    });

    it('keeps the payload text byte for byte', async () => {
      const { store } = await open();
      const [record] = buildAuditRecords(undefined, [
        { at: 1, kind: 'k', payload: { z: 1, a: 'é\u2028', m: 1e21, f: 0.1 } },
      ]);
      await store.append([record!]);
      expect((await store.read(0, 1))[0]?.payload).toBe(record!.payload);
    });

    it('rejects non-contiguous seqs and broken links, appending nothing', async () => {
      const { store } = await open();
      const records = buildAuditRecords(undefined, events(4));
      await expect(store.append(records.slice(1))).rejects.toThrow(RangeError);
      await store.append(records.slice(0, 2));
      await expect(store.append(records.slice(3))).rejects.toThrow(RangeError);
      await expect(store.append(records.slice(0, 1))).rejects.toThrow(RangeError);
      await expect(
        store.append([records[2]!, { ...records[3]!, prevHash: 'a'.repeat(64) }]),
      ).rejects.toThrow(RangeError);
      expect(await store.count()).toBe(2);
      await store.append(records.slice(2));
      expect(await store.count()).toBe(4);
    });

    it('rejects concurrent appends of the same seq but keeps one', async () => {
      const { store } = await open();
      const [a] = buildAuditRecords(undefined, events(1));
      const [b] = buildAuditRecords(undefined, events(1, 10));
      const results = await Promise.allSettled([store.append([a!]), store.append([b!])]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await store.count()).toBe(1);
    });

    it('refuses UPDATE and DELETE through raw SQL', async () => {
      const backend = await open();
      const store = backend.store;
      const raw = (sql: string): Promise<void> => backend.raw(sql);
      await store.append(buildAuditRecords(undefined, events(3)));
      await expect(raw("UPDATE audit_log SET payload = '{}' WHERE seq = 1")).rejects.toThrow(
        /append-only/,
      );
      await expect(raw('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
      await expect(raw('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
      expect(await store.count()).toBe(3);
      expect((await store.read(1, 1))[0]?.payload).not.toBe('{}');
    });
  });
}
