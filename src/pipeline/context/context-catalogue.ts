import type {
  ContextAttachmentRecord,
  ContextDocumentEvent,
  ContextDocumentStore,
} from '../../storage/context-document-store.ts';
import type { ContextVersionState } from './context-version-status.ts';

/** One document as a process serves it. */
export interface ContextDocumentState {
  readonly id: string;
  readonly versions: ReadonlyMap<number, ContextVersionState>;
  /** The highest-numbered version. */
  readonly latest: ContextVersionState;
  /** The highest-numbered version with an approval (what an unpinned attachment serves). */
  readonly newestApproved: ContextVersionState | undefined;
  /** The last time a version of it was stored, approved or revoked (epoch ms). */
  readonly updatedAt: number;
}

/** A live attachment and its place in creation order. */
export interface OrderedAttachment {
  readonly order: number;
  readonly record: ContextAttachmentRecord;
}

/** Every document and live attachment, indexed for the request path. Immutable once built. */
export interface ContextCatalogue {
  readonly documents: ReadonlyMap<string, ContextDocumentState>;
  /** Live attachments, oldest first. */
  readonly attachments: readonly OrderedAttachment[];
  /** Live attachments by scope, then target, each list oldest first. */
  readonly byScope: Readonly<
    Record<ContextAttachmentRecord['scope'], ReadonlyMap<string, readonly OrderedAttachment[]>>
  >;
}

/** The catalogue of an empty store. */
export const emptyContextCatalogue: ContextCatalogue = {
  documents: new Map(),
  attachments: [],
  byScope: { alias: new Map(), team: new Map(), route: new Map() },
};

type Snapshot = Awaited<ReturnType<ContextDocumentStore['snapshot']>>;

function versionKey(documentId: string, version: number): string {
  return `${String(version)}\n${documentId}`;
}

/** The earliest event of each version (by seq): a repeated approval or revocation changes nothing. */
function firstEvents(
  events: readonly ContextDocumentEvent[],
  action: ContextDocumentEvent['action'],
): Map<string, ContextDocumentEvent> {
  const first = new Map<string, ContextDocumentEvent>();
  for (const event of events) {
    if (event.action !== action) continue;
    const key = versionKey(event.documentId, event.version);
    const known = first.get(key);
    if (known === undefined || event.seq < known.seq) first.set(key, event);
  }
  return first;
}

/**
 * Indexes a store snapshot. Pure. Attachments to documents missing from the snapshot are left
 * out (a store never deletes versions, so this only guards against a torn read).
 */
export function buildContextCatalogue(snapshot: Snapshot): ContextCatalogue {
  const approvals = firstEvents(snapshot.events, 'approve');
  const revocations = firstEvents(snapshot.events, 'revoke');
  const grouped = new Map<string, ContextVersionState[]>();
  for (const record of snapshot.versions) {
    const key = versionKey(record.documentId, record.version);
    const state: ContextVersionState = {
      record,
      approval: approvals.get(key),
      revocation: revocations.get(key),
    };
    const list = grouped.get(record.documentId);
    if (list === undefined) grouped.set(record.documentId, [state]);
    else list.push(state);
  }
  const documents = new Map<string, ContextDocumentState>();
  for (const [id, states] of grouped) {
    states.sort((left, right) => left.record.version - right.record.version);
    const latest = states.at(-1);
    if (latest === undefined) continue;
    let newestApproved: ContextVersionState | undefined;
    let updatedAt = 0;
    for (const state of states) {
      if (state.approval !== undefined) newestApproved = state;
      updatedAt = Math.max(
        updatedAt,
        state.record.createdAt,
        state.approval?.at ?? 0,
        state.revocation?.at ?? 0,
      );
    }
    documents.set(id, {
      id,
      versions: new Map(states.map((state) => [state.record.version, state])),
      latest,
      newestApproved,
      updatedAt,
    });
  }
  const attachments: OrderedAttachment[] = [];
  const byScope = {
    alias: new Map<string, OrderedAttachment[]>(),
    team: new Map<string, OrderedAttachment[]>(),
    route: new Map<string, OrderedAttachment[]>(),
  };
  const live = snapshot.attachments
    .filter((record) => record.removedAt === null && documents.has(record.documentId))
    .sort(
      (left, right) =>
        left.createdAt - right.createdAt || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0),
    );
  for (const record of live) {
    const ordered = { order: attachments.length, record };
    attachments.push(ordered);
    const targets = byScope[record.scope];
    const list = targets.get(record.target);
    if (list === undefined) targets.set(record.target, [ordered]);
    else list.push(ordered);
  }
  return { documents, attachments, byScope };
}
