import type { ContextAttachmentRecord } from '../../storage/context-document-store.ts';
import type {
  ContextCatalogue,
  ContextDocumentState,
  OrderedAttachment,
} from './context-catalogue.ts';
import {
  contextVersionStatus,
  type ContextVersionState,
  type ContextVersionStatus,
} from './context-version-status.ts';

/** What a chat request is matched on. */
export interface ContextRequestFacts {
  /** The model name the client asked for. */
  readonly alias: string;
  /** The caller's team, when it has one. */
  readonly team: string | undefined;
  /** The ingress path (`/v1/chat/completions`). */
  readonly route: string;
}

/** One document a request carries: the attachment that brought it and the version it serves. */
export interface ContextSelection {
  readonly attachment: ContextAttachmentRecord;
  readonly version: ContextVersionState;
  readonly status: Exclude<ContextVersionStatus, 'draft'>;
}

const noSelections: readonly ContextSelection[] = [];
const noAttachments: readonly OrderedAttachment[] = [];

/**
 * The version an attachment serves: its pinned version, else the newest approved one. Undefined
 * when that version was never approved (a draft is never served).
 */
export function servedVersion(
  document: ContextDocumentState | undefined,
  pinned: number | null,
): ContextVersionState | undefined {
  if (document === undefined) return undefined;
  const state = pinned === null ? document.newestApproved : document.versions.get(pinned);
  return state?.approval === undefined ? undefined : state;
}

/** The live attachments matching `facts`, oldest first. */
function matchingAttachments(
  catalogue: ContextCatalogue,
  facts: ContextRequestFacts,
): readonly OrderedAttachment[] {
  const byAlias = catalogue.byScope.alias.get(facts.alias) ?? noAttachments;
  const byTeam =
    facts.team === undefined
      ? noAttachments
      : (catalogue.byScope.team.get(facts.team) ?? noAttachments);
  const byRoute = catalogue.byScope.route.get(facts.route) ?? noAttachments;
  const nonEmpty = [byAlias, byTeam, byRoute].filter((list) => list.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? noAttachments;
  return nonEmpty.flat().sort((left, right) => left.order - right.order);
}

/**
 * The documents a request with `facts` carries at `at` (epoch ms), in attachment creation order,
 * each document once (its oldest matching attachment wins). Pure. Versions never approved are
 * left out; stale ones are included with their status for the caller to handle. Returns one
 * shared empty array when nothing matches.
 */
export function selectContextDocuments(
  catalogue: ContextCatalogue,
  facts: ContextRequestFacts,
  at: number,
): readonly ContextSelection[] {
  if (catalogue.attachments.length === 0) return noSelections;
  const matches = matchingAttachments(catalogue, facts);
  if (matches.length === 0) return noSelections;
  const selections: ContextSelection[] = [];
  const seen = new Set<string>();
  for (const { record } of matches) {
    if (seen.has(record.documentId)) continue;
    seen.add(record.documentId);
    const version = servedVersion(catalogue.documents.get(record.documentId), record.version);
    if (version === undefined) continue;
    const status = contextVersionStatus(version, at);
    if (status === 'draft') continue;
    selections.push({ attachment: record, version, status });
  }
  return selections.length === 0 ? noSelections : selections;
}
