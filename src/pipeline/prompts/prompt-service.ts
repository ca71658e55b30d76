import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { isJsonObject } from '../../lib/json.ts';
import type {
  PromptLabelMove,
  PromptLabelTarget,
  PromptStore,
  PromptVersionRecord,
} from '../../storage/prompt-store.ts';
import { readLabelMoveBody } from './label-move-body.ts';
import { PromptCatalogue, type ResolvedPrompt } from './prompt-catalogue.ts';
import { latestLabel, promptIdPattern, promptLabelPattern } from './prompt-names.ts';
import { readPromptReference, readPromptSelection } from './prompt-reference.ts';
import { readPromptTemplateBody } from './prompt-template.ts';
import {
  toDetailView,
  toLabelView,
  toSummaryView,
  toVersionDetailView,
  toVersionView,
  type PromptDetailView,
  type PromptLabelView,
  type PromptSummaryView,
  type PromptVersionDetailView,
  type PromptVersionView,
} from './prompt-views.ts';

export type { ResolvedPrompt } from './prompt-catalogue.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

function sameTargets(
  left: readonly PromptLabelTarget[],
  right: readonly PromptLabelTarget[],
): boolean {
  return (
    left.length === right.length &&
    left.every(
      (target, index) =>
        target.version === right[index]?.version && target.weight === right[index].weight,
    )
  );
}

const renderFields = new Set(['version', 'label', 'variables', 'stickiness']);

/**
 * Prompt templates as admin actions, and the prompts requests are served from. Versions are
 * validated, numbered and stored immutably; a label is moved by appending a move, so every
 * replica switches at once when it next refreshes, and a rollback is one more move. `resolve()`
 * works from memory and never waits on storage; writes through this service reload the memory
 * at once, and `refresh()` (called on an interval) picks up other replicas' writes.
 */
export class PromptService {
  readonly #store: PromptStore;
  readonly #clock: Clock;
  #catalogue = PromptCatalogue.empty;
  #revision = -1;
  /** Refreshes run one after another, so an older snapshot never replaces a newer one. */
  #refreshing: Promise<void> = Promise.resolve();

  constructor(store: PromptStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Reloads the prompts into memory when the store changed. Rejects only on storage failure. */
  refresh(): Promise<void> {
    const next = this.#refreshing.then(
      () => this.#load(),
      () => this.#load(),
    );
    this.#refreshing = next.catch(() => undefined);
    return next;
  }

  async #load(): Promise<void> {
    // The revision is read before the snapshot: a write in between leaves the snapshot newer
    // than the revision kept, which only costs one more reload.
    const revision = await this.#store.revision();
    if (revision === this.#revision) return;
    const snapshot = await this.#store.snapshot();
    this.#catalogue = PromptCatalogue.fromSnapshot(snapshot);
    this.#revision = revision;
  }

  /** After a write: the write is stored; a failed reload is retried by the next `refresh()`. */
  async #reloadAfterWrite(): Promise<void> {
    await this.refresh().catch(() => undefined);
  }

  /**
   * The prompt a request's `prompt` field names, rendered with its variables. Synchronous, from
   * memory. `stickiness` fixes the version picked when the label splits traffic (the end user
   * id, else the request id). Throws `GatewayError`: `SB_ERR_REQUEST_INVALID` for a malformed
   * reference or variables, `SB_ERR_PROMPT_NOT_FOUND` (param `prompt.id`, `prompt.version` or
   * `prompt.label`) for what does not exist.
   */
  resolve(reference: unknown, stickiness: string): ResolvedPrompt {
    return this.#catalogue.resolve(readPromptReference(reference), stickiness, 'prompt.');
  }

  /**
   * Validates and stores a template as the prompt's next version, or returns the newest version
   * with `created: false` when its content is the same. Throws `GatewayError`
   * `SB_ERR_REQUEST_INVALID` (param `id`, or `(body)` listing every problem).
   */
  async createVersion(
    promptId: string,
    body: unknown,
    by: string,
  ): Promise<{ readonly version: PromptVersionView; readonly created: boolean }> {
    if (!promptIdPattern.test(promptId)) {
      throw invalid(
        'id',
        'A prompt id is 1 to 64 lowercase letters, digits, ., _ or -, starting with a letter or digit.',
      );
    }
    const reading = readPromptTemplateBody(body);
    if (!reading.ok) {
      throw invalid(
        '(body)',
        `The prompt template is not valid: ${reading.problems.slice(0, 20).join('; ')}.`,
      );
    }
    const { record, created } = await this.#store.addVersion({
      promptId,
      template: reading.text,
      sha256: reading.sha256,
      note: reading.note,
      createdAt: this.#clock.now(),
      createdBy: by,
    });
    if (created) await this.#reloadAfterWrite();
    return { version: toVersionView(record), created };
  }

  /** Every prompt, by id. */
  async list(): Promise<PromptSummaryView[]> {
    const snapshot = await this.#store.snapshot();
    const byPrompt = new Map<
      string,
      { versions: PromptVersionRecord[]; moves: PromptLabelMove[] }
    >();
    for (const record of snapshot.versions) {
      const entry = byPrompt.get(record.promptId) ?? { versions: [], moves: [] };
      entry.versions.push(record);
      byPrompt.set(record.promptId, entry);
    }
    for (const move of snapshot.labels) byPrompt.get(move.promptId)?.moves.push(move);
    return [...byPrompt.keys()].sort().map((promptId) => {
      const entry = byPrompt.get(promptId) ?? { versions: [], moves: [] };
      return toSummaryView(promptId, entry.versions, entry.moves);
    });
  }

  /** A prompt's versions, labels and label history; undefined when there is no such prompt. */
  async get(promptId: string): Promise<PromptDetailView | undefined> {
    if (!promptIdPattern.test(promptId)) return undefined;
    const versions = await this.#store.listVersions(promptId);
    if (versions.length === 0) return undefined;
    return toDetailView(promptId, versions, await this.#store.labelHistory(promptId));
  }

  /** One version with its template; undefined when there is no such version. */
  async version(promptId: string, version: number): Promise<PromptVersionDetailView | undefined> {
    if (!promptIdPattern.test(promptId)) return undefined;
    const record = await this.#store.findVersion(promptId, version);
    return record === undefined ? undefined : toVersionDetailView(record);
  }

  /** The label's moves, newest first, after checking the prompt and the label name. */
  async #history(promptId: string, label: string): Promise<PromptLabelMove[]> {
    if (!promptLabelPattern.test(label)) {
      throw invalid(
        'label',
        'A label is a lowercase letter, then up to 31 lowercase letters, digits, _ or -.',
      );
    }
    if (label === latestLabel) {
      throw invalid(
        'label',
        'The label `latest` always means the newest version; it cannot be changed.',
      );
    }
    if (
      !promptIdPattern.test(promptId) ||
      (await this.#store.listVersions(promptId)).length === 0
    ) {
      throw new GatewayError('SB_ERR_NOT_FOUND', {
        param: 'id',
        detail: `There is no prompt \`${promptId.slice(0, 80)}\`.`,
      });
    }
    return this.#store.labelHistory(promptId, label);
  }

  async #move(
    promptId: string,
    label: string,
    targets: readonly PromptLabelTarget[],
    by: string,
  ): Promise<PromptLabelView> {
    try {
      const move = await this.#store.moveLabel({
        promptId,
        label,
        targets,
        movedAt: this.#clock.now(),
        movedBy: by,
      });
      await this.#reloadAfterWrite();
      return toLabelView(move);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new GatewayError('SB_ERR_NOT_FOUND', {
        param: 'version',
        detail: `Prompt \`${promptId}\` has no such version.`,
        cause: error,
      });
    }
  }

  /**
   * Points a label at one version or splits it between several. Moving a label to exactly where
   * it points already records nothing and returns it as it is (so a rollback after it still
   * undoes the previous real move). Throws `GatewayError`: `SB_ERR_REQUEST_INVALID` for a
   * malformed body or label (`latest` included), `SB_ERR_NOT_FOUND` param `id` for an unknown
   * prompt and param `version` for a version it lacks.
   */
  async moveLabel(
    promptId: string,
    label: string,
    body: unknown,
    by: string,
  ): Promise<PromptLabelView> {
    const targets = readLabelMoveBody(body);
    const history = await this.#history(promptId, label);
    for (const target of targets) {
      if ((await this.#store.findVersion(promptId, target.version)) === undefined) {
        throw new GatewayError('SB_ERR_NOT_FOUND', {
          param: 'version',
          detail: `Prompt \`${promptId}\` has no version ${String(target.version)}.`,
        });
      }
    }
    const [current] = history;
    if (current !== undefined && sameTargets(current.targets, targets)) return toLabelView(current);
    return this.#move(promptId, label, targets, by);
  }

  /**
   * Points a label back where it pointed before its latest move, as a new move (removed, if it
   * was removed then). Rolling back twice therefore returns to where the first rollback started:
   * each rollback undoes the move before it, rollbacks included. Throws `GatewayError`
   * `SB_ERR_REQUEST_INVALID` param `label` when the label has no earlier position (never moved,
   * or moved once), `SB_ERR_NOT_FOUND` param `id` for an unknown prompt.
   */
  async rollbackLabel(promptId: string, label: string, by: string): Promise<PromptLabelView> {
    const [, previous] = await this.#history(promptId, label);
    if (previous === undefined) {
      throw invalid('label', `The label \`${label}\` has no earlier position to roll back to.`);
    }
    return this.#move(promptId, label, previous.targets, by);
  }

  /**
   * Removes a label (a move with no targets); false when it points nowhere already. Throws as
   * `rollbackLabel` for a bad label or an unknown prompt.
   */
  async removeLabel(promptId: string, label: string, by: string): Promise<boolean> {
    const [current] = await this.#history(promptId, label);
    if (current === undefined || current.targets.length === 0) return false;
    await this.#move(promptId, label, [], by);
    return true;
  }

  /**
   * Renders a version as a request would get it, for a preview. Body: `version` or `label`
   * (default `production`), `variables`, and `stickiness` (default empty). Uses the prompts as
   * stored now. Throws `GatewayError` as `resolve`, naming fields without the `prompt.` prefix.
   */
  async render(promptId: string, body: unknown): Promise<ResolvedPrompt> {
    const given = body ?? {};
    if (!isJsonObject(given)) {
      throw invalid('(body)', 'The body is an object with version or label, and variables.');
    }
    for (const name of Object.keys(given)) {
      if (!renderFields.has(name)) {
        throw invalid(
          name.slice(0, 80),
          'The body takes version, label, variables and stickiness.',
        );
      }
    }
    const stickiness = given.stickiness ?? '';
    if (typeof stickiness !== 'string') throw invalid('stickiness', 'The stickiness is a string.');
    const selection = readPromptSelection(given, '');
    await this.refresh();
    return this.#catalogue.resolve(
      { ...selection, id: promptId, variables: given.variables },
      stickiness,
      '',
    );
  }
}
