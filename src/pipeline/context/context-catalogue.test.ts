import { describe, expect, it } from 'vitest';
import type {
  ContextAttachmentRecord,
  ContextDocumentEvent,
  ContextDocumentVersionRecord,
} from '../../storage/context-document-store.ts';
import { buildContextCatalogue } from './context-catalogue.ts';

function version(
  documentId: string,
  number: number,
  createdAt: number,
): ContextDocumentVersionRecord {
  return {
    documentId,
    version: number,
    title: 'T',
    owner: 'O',
    content: `${documentId} v${String(number)}`,
    sha256: 'b'.repeat(64),
    expiresAt: null,
    createdAt,
    createdBy: 'key_a',
  };
}

function event(
  seq: number,
  documentId: string,
  number: number,
  action: 'approve' | 'revoke',
  at: number,
): ContextDocumentEvent {
  return { seq, documentId, version: number, action, reason: '', at, by: `key_${String(seq)}` };
}

function attachment(
  id: string,
  documentId: string,
  createdAt: number,
  removedAt: number | null = null,
): ContextAttachmentRecord {
  return {
    id,
    documentId,
    scope: 'alias',
    target: 'bot',
    version: null,
    onStale: 'caveat',
    createdAt,
    createdBy: 'key_a',
    removedAt,
    removedBy: removedAt === null ? null : 'key_b',
  };
}

describe('buildContextCatalogue', () => {
  it('groups versions, keeps the first approval and revocation, and finds the newest approved', () => {
    const catalogue = buildContextCatalogue({
      versions: [version('doc', 3, 30), version('doc', 1, 10), version('doc', 2, 20)],
      events: [
        event(4, 'doc', 1, 'approve', 40),
        event(1, 'doc', 1, 'approve', 11),
        event(2, 'doc', 2, 'approve', 21),
        event(3, 'doc', 2, 'revoke', 22),
      ],
      attachments: [],
    });
    const document = catalogue.documents.get('doc');
    expect(document?.latest.record.version).toBe(3);
    expect(document?.newestApproved?.record.version).toBe(2);
    expect(document?.versions.get(1)?.approval?.seq).toBe(1);
    expect(document?.versions.get(2)?.revocation?.at).toBe(22);
    expect(document?.versions.get(3)?.approval).toBeUndefined();
    expect(document?.updatedAt).toBe(30);
  });

  it('indexes live attachments of known documents in creation order, ties by id', () => {
    const catalogue = buildContextCatalogue({
      versions: [version('doc', 1, 1)],
      events: [],
      attachments: [
        attachment('ctxatt_c', 'doc', 5),
        attachment('ctxatt_b', 'doc', 3),
        attachment('ctxatt_a', 'doc', 5),
        attachment('ctxatt_gone', 'doc', 1, 2),
        attachment('ctxatt_orphan', 'missing', 1),
      ],
    });
    expect(
      catalogue.attachments.map(({ record, order }) => `${String(order)}:${record.id}`),
    ).toEqual(['0:ctxatt_b', '1:ctxatt_a', '2:ctxatt_c']);
    expect(catalogue.byScope.alias.get('bot')?.map(({ record }) => record.id)).toEqual([
      'ctxatt_b',
      'ctxatt_a',
      'ctxatt_c',
    ]);
    expect(catalogue.byScope.team.size).toBe(0);
  });
});
