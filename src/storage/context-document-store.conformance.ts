import { describe, expect, it } from 'vitest';
import type {
  ContextAttachmentRecord,
  ContextDocumentStore,
  ContextDocumentVersionRecord,
} from './context-document-store.ts';

/** One backend's context document store, and raw SQL on the same database. */
export interface ContextDocumentBackend {
  readonly store: ContextDocumentStore;
  /** Another store on the same database, as another replica would open it. */
  readonly reopen: () => Promise<ContextDocumentStore>;
  /** Runs one raw statement; rejects when the database refuses it. */
  readonly raw: (sql: string) => Promise<void>;
}

function draft(
  documentId: string,
  createdAt: number,
  content = `content of ${documentId} at ${String(createdAt)}`,
): Omit<ContextDocumentVersionRecord, 'version'> {
  return {
    documentId,
    title: 'Refund policy',
    owner: 'support-ops',
    content,
    sha256: 'a'.repeat(64),
    expiresAt: null,
    createdAt,
    createdBy: 'key_admin',
  };
}

function attachment(
  id: string,
  documentId: string,
  createdAt: number,
  overrides: Partial<Omit<ContextAttachmentRecord, 'removedAt' | 'removedBy'>> = {},
): Omit<ContextAttachmentRecord, 'removedAt' | 'removedBy'> {
  return {
    id,
    documentId,
    scope: 'alias',
    target: 'support-bot',
    version: null,
    onStale: 'caveat',
    createdAt,
    createdBy: 'key_admin',
    ...overrides,
  };
}

/** The behaviour every `ContextDocumentStore` backend must have. */
export function runContextDocumentStoreConformance(
  name: string,
  open: () => Promise<ContextDocumentBackend>,
): void {
  describe(`ContextDocumentStore conformance: ${name}`, () => {
    it('starts empty', async () => {
      const { store } = await open();
      expect(await store.listVersions('refund-policy')).toEqual([]);
      expect(await store.listEvents()).toEqual([]);
      expect(await store.listAttachments(true)).toEqual([]);
      expect(await store.snapshot()).toEqual({ versions: [], events: [], attachments: [] });
      expect(await store.findVersion('refund-policy', 1)).toBeUndefined();
    });

    it('numbers versions per document from 1 and keeps every field', async () => {
      const { store, reopen } = await open();
      const first = await store.addVersion({ ...draft('refund-policy', 10), expiresAt: 99 });
      expect(first).toEqual({ ...draft('refund-policy', 10), expiresAt: 99, version: 1 });
      expect((await store.addVersion(draft('shipping', 11))).version).toBe(1);
      expect((await store.addVersion(draft('refund-policy', 12))).version).toBe(2);
      const other = await reopen();
      expect((await other.addVersion(draft('refund-policy', 13))).version).toBe(3);
      expect((await store.listVersions('refund-policy')).map((record) => record.version)).toEqual([
        3, 2, 1,
      ]);
      expect(await other.findVersion('refund-policy', 1)).toEqual(first);
      expect(await other.findVersion('refund-policy', 4)).toBeUndefined();
      expect(await other.findVersion('shipping', 2)).toBeUndefined();
    });

    it('gives concurrent writers of one document distinct consecutive numbers', async () => {
      // One store: PostgreSQL runs these on several pooled connections at once; SQLite's one
      // connection queues them (two connections would block each other's event loop instead).
      const { store } = await open();
      const records = await Promise.all(
        Array.from({ length: 8 }, (_, index) => store.addVersion(draft('refund-policy', index))),
      );
      expect(records.map((record) => record.version).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      expect((await store.listVersions('refund-policy')).length).toBe(8);
    });

    it('refuses UPDATE and DELETE of a stored version at the database', async () => {
      const { store, raw } = await open();
      await store.addVersion(draft('refund-policy', 10));
      await expect(
        raw("UPDATE context_document_versions SET content = 'forged' WHERE version = 1"),
      ).rejects.toThrow(/immutable/);
      await expect(raw('DELETE FROM context_document_versions')).rejects.toThrow(/immutable/);
      await store.addEvent({
        documentId: 'refund-policy',
        version: 1,
        action: 'approve',
        reason: '',
        at: 11,
        by: 'key_a',
      });
      await expect(raw("UPDATE context_document_events SET action = 'revoke'")).rejects.toThrow(
        /immutable/,
      );
      await expect(raw('DELETE FROM context_document_events')).rejects.toThrow(/immutable/);
      expect((await store.listEvents('refund-policy')).map((event) => event.action)).toEqual([
        'approve',
      ]);
      expect((await store.findVersion('refund-policy', 1))?.content).toBe(
        draft('refund-policy', 10).content,
      );
    });

    it('appends events, lists them newest first, and refuses an unknown version', async () => {
      const { store } = await open();
      await store.addVersion(draft('refund-policy', 1));
      await store.addVersion(draft('refund-policy', 2));
      await store.addVersion(draft('shipping', 3));
      const approve = await store.addEvent({
        documentId: 'refund-policy',
        version: 1,
        action: 'approve',
        reason: '',
        at: 10,
        by: 'key_a',
      });
      expect(approve).toMatchObject({ documentId: 'refund-policy', version: 1, action: 'approve' });
      const revoke = await store.addEvent({
        documentId: 'refund-policy',
        version: 1,
        action: 'revoke',
        reason: 'wrong refund window',
        at: 20,
        by: 'key_b',
      });
      expect(revoke.seq).toBeGreaterThan(approve.seq);
      expect(revoke).toEqual({
        seq: revoke.seq,
        documentId: 'refund-policy',
        version: 1,
        action: 'revoke',
        reason: 'wrong refund window',
        at: 20,
        by: 'key_b',
      });
      const shipping = await store.addEvent({
        documentId: 'shipping',
        version: 1,
        action: 'approve',
        reason: '',
        at: 30,
        by: 'key_a',
      });
      expect(await store.listEvents('refund-policy')).toEqual([revoke, approve]);
      expect(await store.listEvents()).toEqual([shipping, revoke, approve]);
      for (const [documentId, version] of [
        ['refund-policy', 3],
        ['missing', 1],
        ['shipping', 2],
      ] as const) {
        await expect(
          store.addEvent({ documentId, version, action: 'approve', reason: '', at: 40, by: 'x' }),
        ).rejects.toThrow(RangeError);
      }
      expect((await store.listEvents()).length).toBe(3);
    });

    it('adds, lists and removes attachments, showing removed ones only on request', async () => {
      const { store, reopen } = await open();
      await store.addVersion(draft('refund-policy', 1));
      const first = await store.addAttachment(attachment('ctxatt_1', 'refund-policy', 10));
      expect(first).toEqual({
        ...attachment('ctxatt_1', 'refund-policy', 10),
        removedAt: null,
        removedBy: null,
      });
      const second = await store.addAttachment(
        attachment('ctxatt_2', 'refund-policy', 20, {
          scope: 'route',
          target: '/v1/messages',
          version: 1,
          onStale: 'block',
        }),
      );
      expect(second).toMatchObject({ scope: 'route', version: 1, onStale: 'block' });
      expect(await store.listAttachments(false)).toEqual([first, second]);
      expect(await store.removeAttachment('ctxatt_1', 30, 'key_b')).toBe(true);
      expect(await store.removeAttachment('ctxatt_1', 31, 'key_c')).toBe(false);
      expect(await store.removeAttachment('ctxatt_missing', 31, 'key_c')).toBe(false);
      const other = await reopen();
      expect(await other.listAttachments(false)).toEqual([second]);
      expect(await other.listAttachments(true)).toEqual([
        { ...first, removedAt: 30, removedBy: 'key_b' },
        second,
      ]);
    });

    it('refuses an attachment to an unknown document or version', async () => {
      const { store } = await open();
      await store.addVersion(draft('refund-policy', 1));
      await expect(store.addAttachment(attachment('ctxatt_1', 'missing', 10))).rejects.toThrow(
        RangeError,
      );
      await expect(
        store.addAttachment(attachment('ctxatt_2', 'refund-policy', 10, { version: 2 })),
      ).rejects.toThrow(RangeError);
      expect(await store.listAttachments(true)).toEqual([]);
    });

    it('snapshots every version, every event and only live attachments', async () => {
      const { store } = await open();
      const one = await store.addVersion(draft('refund-policy', 1));
      const two = await store.addVersion(draft('refund-policy', 2));
      const shipping = await store.addVersion(draft('shipping', 3));
      const event = await store.addEvent({
        documentId: 'refund-policy',
        version: 2,
        action: 'approve',
        reason: '',
        at: 4,
        by: 'key_a',
      });
      const kept = await store.addAttachment(attachment('ctxatt_1', 'refund-policy', 5));
      await store.addAttachment(attachment('ctxatt_2', 'shipping', 6));
      await store.removeAttachment('ctxatt_2', 7, 'key_a');
      const snapshot = await store.snapshot();
      expect(
        [...snapshot.versions].sort(
          (a, b) => a.documentId.localeCompare(b.documentId) || a.version - b.version,
        ),
      ).toEqual([one, two, shipping]);
      expect(snapshot.events).toEqual([event]);
      expect(snapshot.attachments).toEqual([kept]);
    });

    it('raises the revision on every kind of change, and only then', async () => {
      const { store, reopen } = await open();
      const other = await reopen();
      let last = await store.revision();
      const grows = async (): Promise<void> => {
        const next = await other.revision();
        expect(next).toBeGreaterThan(last);
        expect(await other.revision()).toBe(next);
        last = next;
      };
      await store.addVersion(draft('refund-policy', 1));
      await grows();
      await store.addVersion(draft('refund-policy', 2));
      await grows();
      const event = { documentId: 'refund-policy', reason: '', at: 3, by: 'key_a' } as const;
      await store.addEvent({ ...event, version: 1, action: 'approve' });
      await grows();
      await store.addEvent({ ...event, version: 1, action: 'revoke' });
      await grows();
      await store.addAttachment(attachment('ctxatt_1', 'refund-policy', 4));
      await grows();
      await store.removeAttachment('ctxatt_1', 5, 'key_a');
      await grows();
      await store.removeAttachment('ctxatt_1', 6, 'key_a');
      expect(await store.revision()).toBe(last);
      await expect(store.addEvent({ ...event, version: 9, action: 'approve' })).rejects.toThrow(
        RangeError,
      );
      expect(await store.revision()).toBe(last);
    });

    it('stores injection-looking ids and text as plain data', async () => {
      const { store } = await open();
      const hostile = "x'); DROP TABLE context_document_versions; --";
      const record = await store.addVersion(draft(hostile, 1, "content'; DELETE FROM x; --"));
      expect(await store.findVersion(hostile, 1)).toEqual(record);
      expect(await store.findVersion("x' OR '1'='1", 1)).toBeUndefined();
      await store.addEvent({
        documentId: hostile,
        version: 1,
        action: 'approve',
        reason: "'; --",
        at: 2,
        by: "key_a' --",
      });
      expect((await store.listEvents(hostile))[0]?.reason).toBe("'; --");
      expect(await store.listEvents("x' OR '1'='1")).toEqual([]);
      const attached = await store.addAttachment(
        attachment("ctxatt_' OR '1'='1", hostile, 3, { target: "'; DROP TABLE x; --" }),
      );
      expect(await store.listAttachments(false)).toEqual([attached]);
      expect(await store.removeAttachment("' OR '1'='1", 4, 'key_a')).toBe(false);
      expect(await store.listAttachments(false)).toEqual([attached]);
    });
  });
}
