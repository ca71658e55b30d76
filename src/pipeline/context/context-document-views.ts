import type { ContextAttachmentRecord } from '../../storage/context-document-store.ts';
import type { ContextCatalogue, ContextDocumentState } from './context-catalogue.ts';
import {
  contextVersionStatus,
  type ContextVersionState,
  type ContextVersionStatus,
} from './context-version-status.ts';
import { servedVersion } from './select-context-documents.ts';

/** A version as the admin API shows it (without its content). */
export interface ContextVersionView {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly owner: string;
  readonly sha256: string;
  readonly expires_at: string | null;
  readonly created_at: string;
  readonly created_by: string;
  readonly status: ContextVersionStatus;
  readonly approved_at: string | null;
  readonly approved_by: string | null;
  readonly revoked_at: string | null;
  readonly revoked_by: string | null;
  /** Null when not revoked, or revoked without a reason. */
  readonly revoke_reason: string | null;
}

/** A version with its content. */
export interface ContextVersionDetailView extends ContextVersionView {
  readonly content: string;
}

/** An attachment, with the version it serves now. */
export interface ContextAttachmentView {
  readonly id: string;
  readonly document: string;
  readonly scope: ContextAttachmentRecord['scope'];
  readonly target: string;
  /** The pinned version; null follows the newest approved version. */
  readonly version: number | null;
  readonly on_stale: ContextAttachmentRecord['onStale'];
  readonly created_at: string;
  readonly created_by: string;
  readonly served_version: number | null;
  readonly served_status: ContextVersionStatus | null;
}

/** A document in the admin listing: its newest version's title and owner, and what it serves. */
export interface ContextDocumentSummaryView {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly latest_version: number;
  /** The newest approved version (what an unpinned attachment serves). */
  readonly served_version: number | null;
  readonly served_status: ContextVersionStatus | null;
  readonly updated_at: string;
}

/** A document with every version (newest first) and its live attachments (oldest first). */
export interface ContextDocumentDetailView {
  readonly id: string;
  readonly versions: readonly ContextVersionView[];
  readonly attachments: readonly ContextAttachmentView[];
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

/** The admin view of a version at `at`. Pure. */
export function toContextVersionView(state: ContextVersionState, at: number): ContextVersionView {
  const { record, approval, revocation } = state;
  return {
    id: record.documentId,
    version: record.version,
    title: record.title,
    owner: record.owner,
    sha256: record.sha256,
    expires_at: record.expiresAt === null ? null : iso(record.expiresAt),
    created_at: iso(record.createdAt),
    created_by: record.createdBy,
    status: contextVersionStatus(state, at),
    approved_at: approval === undefined ? null : iso(approval.at),
    approved_by: approval?.by ?? null,
    revoked_at: revocation === undefined ? null : iso(revocation.at),
    revoked_by: revocation?.by ?? null,
    revoke_reason: revocation === undefined || revocation.reason === '' ? null : revocation.reason,
  };
}

/** The admin view of a version with its content. Pure. */
export function toContextVersionDetailView(
  state: ContextVersionState,
  at: number,
): ContextVersionDetailView {
  return { ...toContextVersionView(state, at), content: state.record.content };
}

/** The admin view of an attachment at `at`. Pure. */
export function toContextAttachmentView(
  catalogue: ContextCatalogue,
  record: ContextAttachmentRecord,
  at: number,
): ContextAttachmentView {
  const served = servedVersion(catalogue.documents.get(record.documentId), record.version);
  return {
    id: record.id,
    document: record.documentId,
    scope: record.scope,
    target: record.target,
    version: record.version,
    on_stale: record.onStale,
    created_at: iso(record.createdAt),
    created_by: record.createdBy,
    served_version: served?.record.version ?? null,
    served_status: served === undefined ? null : contextVersionStatus(served, at),
  };
}

/** The admin listing entry of a document at `at`. Pure. */
export function toContextDocumentSummaryView(
  document: ContextDocumentState,
  at: number,
): ContextDocumentSummaryView {
  const served = document.newestApproved;
  return {
    id: document.id,
    title: document.latest.record.title,
    owner: document.latest.record.owner,
    latest_version: document.latest.record.version,
    served_version: served?.record.version ?? null,
    served_status: served === undefined ? null : contextVersionStatus(served, at),
    updated_at: iso(document.updatedAt),
  };
}

/** The admin detail of a document at `at`. Pure. */
export function toContextDocumentDetailView(
  catalogue: ContextCatalogue,
  document: ContextDocumentState,
  at: number,
): ContextDocumentDetailView {
  return {
    id: document.id,
    versions: [...document.versions.values()]
      .sort((left, right) => right.record.version - left.record.version)
      .map((state) => toContextVersionView(state, at)),
    attachments: catalogue.attachments
      .filter(({ record }) => record.documentId === document.id)
      .map(({ record }) => toContextAttachmentView(catalogue, record, at)),
  };
}
