/** One immutable version of a context document (docs/prompts.md). */
export interface ContextDocumentVersionRecord {
  readonly documentId: string;
  /** 1, 2, 3, … per document; assigned by the store. */
  readonly version: number;
  readonly title: string;
  /** Who answers for the content (a team or a person), as the admin wrote it. */
  readonly owner: string;
  readonly content: string;
  /** SHA-256 of `content` (UTF-8), lowercase hex. */
  readonly sha256: string;
  /** Epoch milliseconds after which the version is expired; null: it does not expire. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** An approval or revocation of one version. */
export interface ContextDocumentEvent {
  readonly seq: number;
  readonly documentId: string;
  readonly version: number;
  readonly action: 'approve' | 'revoke';
  /** Why (for a revocation); may be empty. */
  readonly reason: string;
  readonly at: number;
  readonly by: string;
}

/** Where a document is injected, and what happens when the version served is stale. */
export interface ContextAttachmentRecord {
  readonly id: string;
  readonly documentId: string;
  /** `alias`: the requested model name; `team`: the caller's team; `route`: the ingress path. */
  readonly scope: 'alias' | 'team' | 'route';
  readonly target: string;
  /** A pinned version; null follows the document's newest approved version. */
  readonly version: number | null;
  /** What an expired or revoked version does: serve and warn, refuse, or serve with a caveat. */
  readonly onStale: 'warn' | 'block' | 'caveat';
  readonly createdAt: number;
  readonly createdBy: string;
  readonly removedAt: number | null;
  readonly removedBy: string | null;
}

/**
 * Context documents, their approvals and revocations, and their attachments, shared by every
 * replica. Versions and events are append-only; an attachment is removed by marking it.
 */
export interface ContextDocumentStore {
  /** Stores the next version of a document (1 for a new one). */
  addVersion(
    version: Omit<ContextDocumentVersionRecord, 'version'>,
  ): Promise<ContextDocumentVersionRecord>;
  findVersion(
    documentId: string,
    version: number,
  ): Promise<ContextDocumentVersionRecord | undefined>;
  /** A document's versions, newest first. */
  listVersions(documentId: string): Promise<ContextDocumentVersionRecord[]>;
  /** Appends an event; rejects with `RangeError` for a version that does not exist. */
  addEvent(event: Omit<ContextDocumentEvent, 'seq'>): Promise<ContextDocumentEvent>;
  /** Events of one document (of all when undefined), newest first. */
  listEvents(documentId?: string): Promise<ContextDocumentEvent[]>;
  /** Stores an attachment; rejects with `RangeError` when the document does not exist. */
  addAttachment(
    attachment: Omit<ContextAttachmentRecord, 'removedAt' | 'removedBy'>,
  ): Promise<ContextAttachmentRecord>;
  /** Marks an attachment removed; resolves false when there is no live attachment of that id. */
  removeAttachment(id: string, at: number, by: string): Promise<boolean>;
  /** Attachments, oldest first; removed ones only when asked. */
  listAttachments(includeRemoved: boolean): Promise<ContextAttachmentRecord[]>;
  /** Every version, every event and every live attachment: what a process serves from. */
  snapshot(): Promise<{
    readonly versions: readonly ContextDocumentVersionRecord[];
    readonly events: readonly ContextDocumentEvent[];
    readonly attachments: readonly ContextAttachmentRecord[];
  }>;
  /** A number that grows whenever the store changes. */
  revision(): Promise<number>;
}
