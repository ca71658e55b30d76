import { describe, expect, it } from 'vitest';
import type {
  ContextAttachmentRecord,
  ContextDocumentEvent,
  ContextDocumentVersionRecord,
} from '../../storage/context-document-store.ts';
import { buildContextCatalogue } from './context-catalogue.ts';
import { selectContextDocuments } from './select-context-documents.ts';

function version(
  documentId: string,
  number: number,
  expiresAt: number | null = null,
): ContextDocumentVersionRecord {
  return {
    documentId,
    version: number,
    title: 'T',
    owner: 'O',
    content: `${documentId} v${String(number)}`,
    sha256: 'c'.repeat(64),
    expiresAt,
    createdAt: 1,
    createdBy: 'key_a',
  };
}

let seq = 0;
function event(
  documentId: string,
  number: number,
  action: 'approve' | 'revoke',
): ContextDocumentEvent {
  seq += 1;
  return { seq, documentId, version: number, action, reason: '', at: 2, by: 'key_a' };
}

let created = 0;
function attachment(
  documentId: string,
  scope: ContextAttachmentRecord['scope'],
  target: string,
  pinned: number | null = null,
): ContextAttachmentRecord {
  created += 1;
  return {
    id: `ctxatt_${String(created).padStart(3, '0')}`,
    documentId,
    scope,
    target,
    version: pinned,
    onStale: 'caveat',
    createdAt: created,
    createdBy: 'key_a',
    removedAt: null,
    removedBy: null,
  };
}

const facts = { alias: 'bot', team: 'support', route: '/v1/messages' };

describe('selectContextDocuments', () => {
  it('returns one shared empty array when nothing is attached or nothing matches', () => {
    const empty = buildContextCatalogue({ versions: [], events: [], attachments: [] });
    const none = selectContextDocuments(empty, facts, 10);
    expect(none).toEqual([]);
    const catalogue = buildContextCatalogue({
      versions: [version('doc', 1)],
      events: [event('doc', 1, 'approve')],
      attachments: [attachment('doc', 'alias', 'other-bot')],
    });
    expect(selectContextDocuments(catalogue, facts, 10)).toBe(none);
  });

  it('serves the newest approved version or the pinned one, never a draft', () => {
    const catalogue = buildContextCatalogue({
      versions: [version('doc', 1), version('doc', 2), version('doc', 3), version('draft-only', 1)],
      events: [event('doc', 1, 'approve'), event('doc', 2, 'approve')],
      attachments: [
        attachment('doc', 'alias', 'bot'),
        attachment('doc', 'team', 'pinned', 1),
        attachment('doc', 'team', 'pinned-draft', 3),
        attachment('draft-only', 'route', '/v1/messages'),
      ],
    });
    expect(
      selectContextDocuments(catalogue, facts, 10).map(
        (selection) => selection.version.record.version,
      ),
    ).toEqual([2]);
    expect(
      selectContextDocuments(catalogue, { ...facts, alias: 'x', team: 'pinned' }, 10).map(
        (selection) => selection.version.record.version,
      ),
    ).toEqual([1]);
    expect(
      selectContextDocuments(catalogue, { ...facts, alias: 'x', team: 'pinned-draft' }, 10),
    ).toEqual([]);
  });

  it('orders across scopes by creation, keeps the first attachment of a document, and reports status', () => {
    const catalogue = buildContextCatalogue({
      versions: [version('a', 1), version('b', 1, 100), version('c', 1)],
      events: [
        event('a', 1, 'approve'),
        event('b', 1, 'approve'),
        event('c', 1, 'approve'),
        event('c', 1, 'revoke'),
      ],
      attachments: [
        attachment('b', 'route', '/v1/messages'),
        attachment('a', 'team', 'support'),
        attachment('b', 'alias', 'bot'),
        attachment('c', 'alias', 'bot'),
        attachment('a', 'alias', 'bot'),
      ],
    });
    const selected = selectContextDocuments(catalogue, facts, 100).map(
      ({ attachment: record, version: state, status }) =>
        `${state.record.documentId}:${record.scope}:${status}`,
    );
    expect(selected).toEqual(['b:route:expired', 'a:team:approved', 'c:alias:revoked']);
    const withoutTeam = selectContextDocuments(catalogue, { ...facts, team: undefined }, 99).map(
      ({ attachment: record, status }) => `${record.documentId}:${record.scope}:${status}`,
    );
    expect(withoutTeam).toEqual(['b:route:approved', 'c:alias:revoked', 'a:alias:approved']);
  });
});
