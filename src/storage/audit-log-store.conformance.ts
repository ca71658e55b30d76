import { describe, expect, it } from 'vitest';
import { buildAuditRecords, type AuditEvent } from '../pipeline/audit/audit-record.ts';
import type { AuditLogStore, AuditPayloadStore, AuditTenantKey } from './ports.ts';

/** One backend's audit log, and raw SQL on the same database (as an attacker would use it). */
export interface AuditLogBackend {
  readonly store: AuditLogStore;
  /** Payloads and organisation keys on the same database. */
  readonly payloads: AuditPayloadStore;
  /** Runs one raw statement; rejects when the database refuses it. */
  raw(sql: string): Promise<void>;
}

function tenantKey(id: string, org: string, at = 1): AuditTenantKey {
  return {
    id,
    org,
    wrapped: { wrappingKeyId: 'ring0', sealed: Buffer.from(`material of ${id}`) },
    createdAt: at,
    erasedAt: undefined,
  };
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

    it('appends a batch of several statements in seq order, then continues it', async () => {
      const { store } = await open();
      // 45 records are inserted as chunks of 32, 8, 4 and 1 rows.
      const first = buildAuditRecords(undefined, events(45));
      await store.append(first);
      const second = buildAuditRecords(first.at(-1), events(3, 45));
      await store.append(second);
      expect(await store.read(0, 100)).toEqual([...first, ...second]);
      expect(await store.last()).toEqual(second.at(-1));
    });

    it('finds the request records of a request id, and only request records', async () => {
      const { store } = await open();
      const request = (id: string, n: number): AuditEvent => ({
        at: 1_700_000_000_000 + n,
        kind: 'request',
        payload: { request_id: id, outcome: 'completed', n },
      });
      const records = buildAuditRecords(undefined, [
        request('r-1', 0),
        { at: 1_700_000_000_001, kind: 'admin.action', payload: { request_id: 'r-2' } },
        request('r-2', 2),
        request('r-1', 3),
      ]);
      await store.append(records);
      expect(await store.findRequestRecords('r-1')).toEqual([records[0], records[3]]);
      expect(await store.findRequestRecords('r-2')).toEqual([records[2]]);
      expect(await store.findRequestRecords('r-3')).toEqual([]);
      expect(await store.findRequestRecords("r-1' OR '1'='1")).toEqual([]);
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

    it('stores payloads with their records, all or none, and purges them while records stay', async () => {
      const { store, payloads } = await open();
      await payloads.addTenantKey(tenantKey('k1', 'acme'));
      const records = buildAuditRecords(undefined, events(4));
      const row = (seq: number) => ({
        seq,
        requestId: `req-${String(seq)}`,
        org: 'acme',
        keyId: 'k1',
        sealed: Buffer.from([0, 1, 2, 255, seq]),
      });
      await expect(store.append(records.slice(0, 2), [row(3)])).rejects.toThrow(TypeError);
      await store.append(records.slice(0, 2), [row(0), row(1)]);
      await store.append(records.slice(2), [row(3)]);
      expect(await payloads.read(1)).toEqual(row(1));
      expect(await payloads.read(2)).toBeUndefined();
      expect((await payloads.list(1, 10)).map((payload) => payload.seq)).toEqual([1, 3]);
      // A payload whose record cannot be appended is not stored either.
      const stale = buildAuditRecords(undefined, events(1, 50));
      await expect(store.append(stale, [row(0)])).rejects.toThrow(RangeError);
      expect(await payloads.purgeBefore(2)).toBe(2);
      expect(await payloads.purgeBefore(2)).toBe(0);
      expect((await payloads.list(0, 10)).map((payload) => payload.seq)).toEqual([3]);
      expect(await store.count()).toBe(4);
    });

    it('keeps one live key per organisation, and erasing destroys its material', async () => {
      const { payloads } = await open();
      const [first, second] = await Promise.all([
        payloads.addTenantKey(tenantKey('k1', 'acme')),
        payloads.addTenantKey(tenantKey('k2', 'acme')),
      ]);
      expect(first.id).toBe(second.id);
      expect((await payloads.liveTenantKey('acme'))?.wrapped?.sealed.toString()).toBe(
        `material of ${first.id}`,
      );
      expect(await payloads.liveTenantKey('other')).toBeUndefined();
      expect(await payloads.eraseTenantKeys('acme', 99)).toEqual([first.id]);
      expect(await payloads.eraseTenantKeys('acme', 100)).toEqual([]);
      expect(await payloads.liveTenantKey('acme')).toBeUndefined();
      expect(await payloads.tenantKey(first.id)).toEqual({
        ...tenantKey(first.id, 'acme'),
        wrapped: undefined,
        erasedAt: 99,
      });
      // A new key can follow an erased one.
      expect((await payloads.addTenantKey(tenantKey('k3', 'acme'))).id).toBe('k3');
    });

    it('refuses to rewrite a kept payload through raw SQL', async () => {
      const backend = await open();
      await backend.payloads.addTenantKey(tenantKey('k1', 'acme'));
      await backend.store.append(buildAuditRecords(undefined, events(1)), [
        { seq: 0, requestId: 'r', org: 'acme', keyId: 'k1', sealed: Buffer.from('x') },
      ]);
      await expect(backend.raw("UPDATE audit_payloads SET sealed = 'eQ=='")).rejects.toThrow(
        /written once/,
      );
    });
  });
}
