import type {
  ContextAttachmentRecord,
  ContextDocumentEvent,
  ContextDocumentStore,
  ContextDocumentVersionRecord,
} from '../context-document-store.ts';
import type { SqlDatabase, SqlSession } from './sql-database.ts';

interface VersionRow {
  document_id: string;
  version: number | string;
  title: string;
  owner: string;
  content: string;
  sha256: string;
  expires_at: number | string | null;
  created_at: number | string;
  created_by: string;
}

interface EventRow {
  seq: number | string;
  document_id: string;
  version: number | string;
  action: string;
  reason: string;
  at: number | string;
  by: string;
}

interface AttachmentRow {
  id: string;
  document_id: string;
  scope: string;
  target: string;
  version: number | string | null;
  on_stale: string;
  created_at: number | string;
  created_by: string;
  removed_at: number | string | null;
  removed_by: string | null;
}

const versionColumns =
  'document_id, version, title, owner, content, sha256, expires_at, created_at, created_by';
const eventColumns = 'seq, document_id, version, action, reason, at, by';
const attachmentColumns =
  'id, document_id, scope, target, version, on_stale, created_at, created_by, removed_at, removed_by';

/**
 * How many times `addVersion` tries again after a concurrent writer took the number it read.
 * Each round at least one writer wins, so this many writers of one document at once all succeed.
 */
const maxVersionAttempts = 16;

function toVersion(row: VersionRow): ContextDocumentVersionRecord {
  return {
    documentId: row.document_id,
    version: Number(row.version),
    title: row.title,
    owner: row.owner,
    content: row.content,
    sha256: row.sha256,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

function toEvent(row: EventRow): ContextDocumentEvent {
  if (row.action !== 'approve' && row.action !== 'revoke') {
    throw new Error(`unknown context document event action ${JSON.stringify(row.action)}`);
  }
  return {
    seq: Number(row.seq),
    documentId: row.document_id,
    version: Number(row.version),
    action: row.action,
    reason: row.reason,
    at: Number(row.at),
    by: row.by,
  };
}

function toAttachment(row: AttachmentRow): ContextAttachmentRecord {
  const scope = row.scope;
  const onStale = row.on_stale;
  // The table's CHECK constraints hold these to the same values; narrowing here keeps types honest.
  if (scope !== 'alias' && scope !== 'team' && scope !== 'route') {
    throw new Error(`unknown context attachment scope ${JSON.stringify(scope)}`);
  }
  if (onStale !== 'warn' && onStale !== 'block' && onStale !== 'caveat') {
    throw new Error(`unknown context attachment on_stale ${JSON.stringify(onStale)}`);
  }
  return {
    id: row.id,
    documentId: row.document_id,
    scope,
    target: row.target,
    version: row.version === null ? null : Number(row.version),
    onStale,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    removedAt: row.removed_at === null ? null : Number(row.removed_at),
    removedBy: row.removed_by,
  };
}

/** A unique violation (a concurrent writer took the same key) in either database. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  return code === '23505' || /UNIQUE constraint failed|PRIMARY KEY/i.test(message);
}

/**
 * Context documents in SQLite or PostgreSQL; parameterised statements only. Versions are numbered
 * per document inside a transaction (a concurrent writer of the same number loses on the primary
 * key and tries again); the table's triggers refuse UPDATE and DELETE of a version.
 */
export class SqlContextDocumentStore implements ContextDocumentStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async addVersion(
    version: Omit<ContextDocumentVersionRecord, 'version'>,
  ): Promise<ContextDocumentVersionRecord> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#database.transaction((session) => this.#insertVersion(session, version));
      } catch (error) {
        if (attempt >= maxVersionAttempts || !isUniqueViolation(error)) throw error;
      }
    }
  }

  async #insertVersion(
    session: SqlSession,
    version: Omit<ContextDocumentVersionRecord, 'version'>,
  ): Promise<ContextDocumentVersionRecord> {
    const latest = await session.rows<{ latest: number | string | null }>(
      'SELECT MAX(version) AS latest FROM context_document_versions WHERE document_id = $1',
      [version.documentId],
    );
    const next = Number(latest[0]?.latest ?? 0) + 1;
    const rows = await session.rows<VersionRow>(
      `INSERT INTO context_document_versions (${versionColumns})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${versionColumns}`,
      [
        version.documentId,
        next,
        version.title,
        version.owner,
        version.content,
        version.sha256,
        version.expiresAt,
        version.createdAt,
        version.createdBy,
      ],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('the context document version was not recorded');
    return toVersion(row);
  }

  async #findVersion(
    session: SqlSession,
    documentId: string,
    version: number,
  ): Promise<ContextDocumentVersionRecord | undefined> {
    const rows = await session.rows<VersionRow>(
      `SELECT ${versionColumns} FROM context_document_versions
       WHERE document_id = $1 AND version = $2`,
      [documentId, version],
    );
    const row = rows[0];
    return row === undefined ? undefined : toVersion(row);
  }

  findVersion(
    documentId: string,
    version: number,
  ): Promise<ContextDocumentVersionRecord | undefined> {
    if (!Number.isSafeInteger(version)) return Promise.resolve(undefined);
    return this.#findVersion(this.#database, documentId, version);
  }

  async listVersions(documentId: string): Promise<ContextDocumentVersionRecord[]> {
    const rows = await this.#database.rows<VersionRow>(
      `SELECT ${versionColumns} FROM context_document_versions WHERE document_id = $1
       ORDER BY version DESC`,
      [documentId],
    );
    return rows.map(toVersion);
  }

  addEvent(event: Omit<ContextDocumentEvent, 'seq'>): Promise<ContextDocumentEvent> {
    return this.#database.transaction(async (session) => {
      if (
        !Number.isSafeInteger(event.version) ||
        (await this.#findVersion(session, event.documentId, event.version)) === undefined
      ) {
        throw new RangeError(
          `no stored version ${String(event.version)} of context document ${event.documentId}`,
        );
      }
      const rows = await session.rows<EventRow>(
        `INSERT INTO context_document_events (document_id, version, action, reason, at, by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${eventColumns}`,
        [event.documentId, event.version, event.action, event.reason, event.at, event.by],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the context document event was not recorded');
      return toEvent(row);
    });
  }

  async listEvents(documentId?: string): Promise<ContextDocumentEvent[]> {
    const rows =
      documentId === undefined
        ? await this.#database.rows<EventRow>(
            `SELECT ${eventColumns} FROM context_document_events ORDER BY seq DESC`,
            [],
          )
        : await this.#database.rows<EventRow>(
            `SELECT ${eventColumns} FROM context_document_events WHERE document_id = $1
             ORDER BY seq DESC`,
            [documentId],
          );
    return rows.map(toEvent);
  }

  addAttachment(
    attachment: Omit<ContextAttachmentRecord, 'removedAt' | 'removedBy'>,
  ): Promise<ContextAttachmentRecord> {
    return this.#database.transaction(async (session) => {
      const documents = await session.rows<{ version: number | string }>(
        'SELECT version FROM context_document_versions WHERE document_id = $1 LIMIT 1',
        [attachment.documentId],
      );
      if (documents.length === 0) {
        throw new RangeError(`no stored context document ${attachment.documentId}`);
      }
      if (
        attachment.version !== null &&
        (!Number.isSafeInteger(attachment.version) ||
          (await this.#findVersion(session, attachment.documentId, attachment.version)) ===
            undefined)
      ) {
        throw new RangeError(
          `no stored version ${String(attachment.version)} of context document ${attachment.documentId}`,
        );
      }
      const rows = await session.rows<AttachmentRow>(
        `INSERT INTO context_attachments
           (id, document_id, scope, target, version, on_stale, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${attachmentColumns}`,
        [
          attachment.id,
          attachment.documentId,
          attachment.scope,
          attachment.target,
          attachment.version,
          attachment.onStale,
          attachment.createdAt,
          attachment.createdBy,
        ],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the context attachment was not recorded');
      return toAttachment(row);
    });
  }

  async removeAttachment(id: string, at: number, by: string): Promise<boolean> {
    const changed = await this.#database.run(
      `UPDATE context_attachments SET removed_at = $2, removed_by = $3
       WHERE id = $1 AND removed_at IS NULL`,
      [id, at, by],
    );
    return changed > 0;
  }

  async listAttachments(includeRemoved: boolean): Promise<ContextAttachmentRecord[]> {
    // Attachment ids are time-ordered, so they break ties between attachments of one millisecond.
    const rows = await this.#database.rows<AttachmentRow>(
      includeRemoved
        ? `SELECT ${attachmentColumns} FROM context_attachments ORDER BY created_at, id`
        : `SELECT ${attachmentColumns} FROM context_attachments WHERE removed_at IS NULL
           ORDER BY created_at, id`,
      [],
    );
    return rows.map(toAttachment);
  }

  async snapshot(): Promise<{
    readonly versions: readonly ContextDocumentVersionRecord[];
    readonly events: readonly ContextDocumentEvent[];
    readonly attachments: readonly ContextAttachmentRecord[];
  }> {
    // Events and attachments are read before versions: versions are never deleted, so every
    // version an event or attachment names is in the snapshot even when writers race the reads.
    const events = await this.#database.rows<EventRow>(
      `SELECT ${eventColumns} FROM context_document_events ORDER BY seq`,
      [],
    );
    const attachments = await this.listAttachments(false);
    const versions = await this.#database.rows<VersionRow>(
      `SELECT ${versionColumns} FROM context_document_versions ORDER BY document_id, version`,
      [],
    );
    return { versions: versions.map(toVersion), events: events.map(toEvent), attachments };
  }

  async revision(): Promise<number> {
    // Each kind of change raises one term: a version, an event or an attachment adds a row, a
    // removal marks a row; nothing ever lowers one. Counts, not the highest seq: in PostgreSQL
    // an event can commit after one with a higher seq, which would leave the maximum unchanged.
    const rows = await this.#database.rows<{ revision: number | string | null }>(
      `SELECT (SELECT COUNT(*) FROM context_document_versions)
        + (SELECT COUNT(*) FROM context_document_events)
        + (SELECT COUNT(*) FROM context_attachments)
        + (SELECT COUNT(*) FROM context_attachments WHERE removed_at IS NOT NULL) AS revision`,
      [],
    );
    return Number(rows[0]?.revision ?? 0);
  }
}
