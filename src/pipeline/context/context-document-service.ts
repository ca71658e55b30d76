import { createHash } from 'node:crypto';
import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { ContextProvenance } from '../../canonical/request-provenance.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { createTimeOrderedId } from '../../lib/ids.ts';
import type { ContextDocumentStore } from '../../storage/context-document-store.ts';
import { ContextBlockedError } from './context-blocked-error.ts';
import {
  buildContextCatalogue,
  emptyContextCatalogue,
  type ContextCatalogue,
  type ContextDocumentState,
} from './context-catalogue.ts';
import {
  contextAttachmentBodySchema,
  contextDocumentIdPattern,
  contextRevokeBodySchema,
  contextVersionBodySchema,
  invalid,
  parseContextInput,
} from './context-document-input.ts';
import {
  toContextAttachmentView,
  toContextDocumentDetailView,
  toContextDocumentSummaryView,
  toContextVersionDetailView,
  toContextVersionView,
  type ContextAttachmentView,
  type ContextDocumentDetailView,
  type ContextDocumentSummaryView,
  type ContextVersionDetailView,
  type ContextVersionView,
} from './context-document-views.ts';
import { contextVersionStatus, type ContextVersionState } from './context-version-status.ts';
import {
  contextCaveatLine,
  contextStaleSentence,
  renderContextDocument,
} from './render-context-document.ts';
import { selectContextDocuments, type ContextRequestFacts } from './select-context-documents.ts';

/** What governed context adds to one chat request. */
export interface ContextResolution {
  /** One system text per document, in attachment order; no conversation turns. */
  readonly preamble: RequestPreamble;
  readonly provenance: readonly ContextProvenance[];
  /** One sentence per stale document served under `warn`, for a response header or a log. */
  readonly warnings: readonly string[];
}

/** The resolution of a request no attachment matches; shared, never copied. */
export const emptyContextResolution: ContextResolution = Object.freeze({
  preamble: Object.freeze({ system: Object.freeze([]), messages: Object.freeze([]) }),
  provenance: Object.freeze([]),
  warnings: Object.freeze([]),
});

function notFound(param: string): never {
  throw new GatewayError('SB_ERR_NOT_FOUND', { param });
}

/**
 * Governed context documents: admin actions on versions, approvals, revocations and attachments,
 * and the documents each chat request carries. Every replica serves from a catalogue in memory,
 * reloaded when the store's revision changes (`refresh`, about once a second) and at once after
 * this process's own writes; `resolve` never waits on storage.
 */
export class ContextDocumentService {
  readonly #store: ContextDocumentStore;
  readonly #clock: Clock;
  readonly #createAttachmentId: () => string;
  #catalogue: ContextCatalogue = emptyContextCatalogue;
  #revision = -1;
  /** Rendered texts by version state: states are rebuilt on reload, so entries never go stale. */
  readonly #texts = new WeakMap<ContextVersionState, string>();
  readonly #caveated = new WeakMap<ContextVersionState, string>();

  constructor(
    store: ContextDocumentStore,
    clock: Clock,
    createAttachmentId: () => string = () => `ctxatt_${createTimeOrderedId(clock)}`,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#createAttachmentId = createAttachmentId;
  }

  /** Reloads the catalogue if the store changed since the last load. Rejects only on storage failure. */
  async refresh(): Promise<void> {
    const revision = await this.#store.revision();
    if (revision === this.#revision) return;
    await this.#load(revision);
  }

  async #reload(): Promise<ContextCatalogue> {
    return this.#load(await this.#store.revision());
  }

  /** Reads the snapshot after `revision`, so a change racing the read is caught by a later refresh. */
  async #load(revision: number): Promise<ContextCatalogue> {
    const catalogue = buildContextCatalogue(await this.#store.snapshot());
    // Two loads can finish out of order; the one that read the lower revision must not win.
    if (revision >= this.#revision) {
      this.#catalogue = catalogue;
      this.#revision = revision;
    }
    return catalogue;
  }

  /**
   * The documents a chat request carries, from memory. Returns `emptyContextResolution` itself
   * when no live attachment matches. Throws `ContextBlockedError` (403, `SB_ERR_CONTEXT_STALE`)
   * when an attachment that blocks serves an expired or revoked version; its provenance lists the
   * documents resolved before it and the blocked one.
   */
  resolve(facts: ContextRequestFacts): ContextResolution {
    const catalogue = this.#catalogue;
    if (catalogue.attachments.length === 0) return emptyContextResolution;
    const selections = selectContextDocuments(catalogue, facts, this.#clock.now());
    if (selections.length === 0) return emptyContextResolution;
    const system: string[] = [];
    const provenance: ContextProvenance[] = [];
    const warnings: string[] = [];
    for (const { attachment, version, status } of selections) {
      const handling =
        status === 'approved'
          ? 'served'
          : attachment.onStale === 'warn'
            ? 'warned'
            : attachment.onStale === 'caveat'
              ? 'caveated'
              : 'blocked';
      provenance.push({
        id: version.record.documentId,
        version: version.record.version,
        sha256: version.record.sha256,
        status,
        handling,
        attachment: attachment.id,
      });
      if (status !== 'approved' && handling === 'blocked') {
        throw new ContextBlockedError(contextStaleSentence(version, status), provenance);
      }
      if (status !== 'approved' && handling === 'warned') {
        warnings.push(contextStaleSentence(version, status));
      }
      system.push(handling === 'caveated' ? this.#caveatedText(version) : this.#text(version));
    }
    return {
      preamble: { system, messages: emptyContextResolution.preamble.messages },
      provenance,
      warnings,
    };
  }

  #text(version: ContextVersionState): string {
    let text = this.#texts.get(version);
    if (text === undefined) {
      text = renderContextDocument(version);
      this.#texts.set(version, text);
    }
    return text;
  }

  #caveatedText(version: ContextVersionState): string {
    let text = this.#caveated.get(version);
    if (text === undefined) {
      text = `${contextCaveatLine(version)}\n${this.#text(version)}`;
      this.#caveated.set(version, text);
    }
    return text;
  }

  /**
   * Stores a new draft version of a document (creating the document). Throws `GatewayError` 400
   * for an invalid id or body, listing every problem.
   */
  async createVersion(id: string, body: unknown, by: string): Promise<ContextVersionView> {
    if (!contextDocumentIdPattern.test(id)) {
      invalid(
        'id',
        'A context document id is 1–64 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit.',
      );
    }
    const input = parseContextInput(contextVersionBodySchema, body, 'context document version');
    const record = await this.#store.addVersion({
      documentId: id,
      title: input.title,
      owner: input.owner,
      content: input.content,
      sha256: createHash('sha256').update(input.content).digest('hex'),
      expiresAt:
        input.expires_at === undefined || input.expires_at === null
          ? null
          : Date.parse(input.expires_at),
      createdAt: this.#clock.now(),
      createdBy: by,
    });
    await this.#reload();
    return toContextVersionView(
      { record, approval: undefined, revocation: undefined },
      this.#clock.now(),
    );
  }

  /** A stored version from a fresh catalogue; throws `GatewayError` 404 naming what is unknown. */
  async #findVersion(
    id: string,
    version: number,
  ): Promise<{ readonly document: ContextDocumentState; readonly state: ContextVersionState }> {
    const document = (await this.#reload()).documents.get(id);
    if (document === undefined) notFound('id');
    const state = document.versions.get(version);
    if (state === undefined) notFound('version');
    return { document, state };
  }

  /**
   * Approves a draft so attachments can serve it. Approving an approved version changes nothing.
   * Throws `GatewayError` 404 for an unknown document or version, 400 for a revoked or expired one.
   */
  async approve(id: string, version: number, by: string): Promise<ContextVersionView> {
    const { state } = await this.#findVersion(id, version);
    const now = this.#clock.now();
    const status = contextVersionStatus(state, now);
    if (status === 'revoked' || status === 'expired') {
      invalid(
        'version',
        `Version ${String(state.record.version)} ${status === 'revoked' ? 'was revoked' : 'has expired'} and cannot be approved; store a new version instead.`,
      );
    }
    if (status === 'approved') return toContextVersionView(state, now);
    return this.#addEvent(state, 'approve', '', by);
  }

  /**
   * Revokes a version (`body`: `{reason?}`); attachments serving it then follow their `on_stale`.
   * Revoking a revoked version changes nothing. Throws `GatewayError` 404 / 400 like `approve`.
   */
  async revoke(
    id: string,
    version: number,
    body: unknown,
    by: string,
  ): Promise<ContextVersionView> {
    const input = parseContextInput(contextRevokeBodySchema, body ?? {}, 'revocation');
    const { state } = await this.#findVersion(id, version);
    if (state.revocation !== undefined) return toContextVersionView(state, this.#clock.now());
    return this.#addEvent(state, 'revoke', input.reason ?? '', by);
  }

  async #addEvent(
    state: ContextVersionState,
    action: 'approve' | 'revoke',
    reason: string,
    by: string,
  ): Promise<ContextVersionView> {
    const { documentId, version } = state.record;
    await this.#store.addEvent({ documentId, version, action, reason, at: this.#clock.now(), by });
    const reloaded = (await this.#reload()).documents.get(documentId)?.versions.get(version);
    return toContextVersionView(reloaded ?? state, this.#clock.now());
  }

  /** Every document, by id. */
  async list(): Promise<ContextDocumentSummaryView[]> {
    const catalogue = await this.#reload();
    const now = this.#clock.now();
    return [...catalogue.documents.values()]
      .sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
      .map((document) => toContextDocumentSummaryView(document, now));
  }

  /** A document with its versions and live attachments; undefined when unknown. */
  async get(id: string): Promise<ContextDocumentDetailView | undefined> {
    const catalogue = await this.#reload();
    const document = catalogue.documents.get(id);
    return document === undefined
      ? undefined
      : toContextDocumentDetailView(catalogue, document, this.#clock.now());
  }

  /** One version with its content; undefined when the document or version is unknown. */
  async version(id: string, version: number): Promise<ContextVersionDetailView | undefined> {
    const state = (await this.#reload()).documents.get(id)?.versions.get(version);
    return state === undefined ? undefined : toContextVersionDetailView(state, this.#clock.now());
  }

  /**
   * Attaches a document to an alias, team or chat route. Throws `GatewayError` 400 for an invalid
   * body or when the version it would serve is not approved now, 404 for an unknown document or
   * pinned version.
   */
  async attach(body: unknown, by: string): Promise<ContextAttachmentView> {
    const input = parseContextInput(contextAttachmentBodySchema, body, 'context attachment');
    const document = (await this.#reload()).documents.get(input.document);
    if (document === undefined) notFound('document');
    const pinned = input.version ?? null;
    if (pinned !== null && !document.versions.has(pinned)) notFound('version');
    const now = this.#clock.now();
    const candidate = pinned === null ? document.newestApproved : document.versions.get(pinned);
    const status = candidate === undefined ? undefined : contextVersionStatus(candidate, now);
    if (candidate === undefined || status !== 'approved') {
      invalid(
        pinned === null ? 'document' : 'version',
        candidate === undefined
          ? `Context document \`${document.id}\` has no approved version to serve.`
          : `Version ${String(candidate.record.version)} of \`${document.id}\` is ${String(status)}, not approved; an attachment must serve an approved version.`,
      );
    }
    const record = await this.#store.addAttachment({
      id: this.#createAttachmentId(),
      documentId: document.id,
      scope: input.scope,
      target: input.target,
      version: pinned,
      onStale: input.on_stale,
      createdAt: now,
      createdBy: by,
    });
    return toContextAttachmentView(await this.#reload(), record, this.#clock.now());
  }

  /** Removes a live attachment; resolves false when there is none of that id. */
  async detach(attachmentId: string, by: string): Promise<boolean> {
    const removed = await this.#store.removeAttachment(attachmentId, this.#clock.now(), by);
    if (removed) await this.#reload();
    return removed;
  }

  /** Live attachments, oldest first. */
  async attachments(): Promise<ContextAttachmentView[]> {
    const catalogue = await this.#reload();
    const now = this.#clock.now();
    return catalogue.attachments.map(({ record }) =>
      toContextAttachmentView(catalogue, record, now),
    );
  }
}
