import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { PromptProvenance } from '../../canonical/request-provenance.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type {
  PromptLabelMove,
  PromptLabelTarget,
  PromptVersionRecord,
} from '../../storage/prompt-store.ts';
import { pickWeightedVersion } from './pick-weighted-version.ts';
import { latestLabel } from './prompt-names.ts';
import type { PromptReference } from './prompt-reference.ts';
import { readStoredTemplate, type PromptTemplate } from './prompt-template.ts';
import { renderPrompt } from './render-prompt.ts';

/** What a request's prompt reference resolved to: the version served and the text it adds. */
export interface ResolvedPrompt {
  readonly provenance: PromptProvenance;
  readonly preamble: RequestPreamble;
}

interface ServedVersion {
  readonly record: PromptVersionRecord;
  /** Undefined when this Signalbox cannot read the stored text (`problem` says why). */
  readonly template: PromptTemplate | undefined;
  readonly problem: string;
}

interface ServedPrompt {
  readonly versions: ReadonlyMap<number, ServedVersion>;
  readonly latest: ServedVersion;
  /** Labels that point somewhere, with the targets that exist. */
  readonly labels: ReadonlyMap<string, readonly PromptLabelTarget[]>;
}

function notFound(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_PROMPT_NOT_FOUND', { param, detail });
}

/**
 * Every prompt version and label of one storage snapshot, parsed once, to resolve requests
 * without storage. Immutable once built.
 */
export class PromptCatalogue {
  readonly #prompts: ReadonlyMap<string, ServedPrompt>;

  private constructor(prompts: ReadonlyMap<string, ServedPrompt>) {
    this.#prompts = prompts;
  }

  /** The catalogue of nothing (before the first load). */
  static readonly empty = new PromptCatalogue(new Map());

  /** Builds a catalogue from a snapshot. Pure; never throws. */
  static fromSnapshot(snapshot: {
    readonly versions: readonly PromptVersionRecord[];
    readonly labels: readonly PromptLabelMove[];
  }): PromptCatalogue {
    const versions = new Map<string, Map<number, ServedVersion>>();
    for (const record of snapshot.versions) {
      const reading = readStoredTemplate(record.template);
      const served: ServedVersion = reading.ok
        ? { record, template: reading.template, problem: '' }
        : { record, template: undefined, problem: reading.problems.join('; ') };
      let byNumber = versions.get(record.promptId);
      if (byNumber === undefined) {
        byNumber = new Map();
        versions.set(record.promptId, byNumber);
      }
      byNumber.set(record.version, served);
    }
    const labels = new Map<string, Map<string, readonly PromptLabelTarget[]>>();
    for (const move of snapshot.labels) {
      const known = versions.get(move.promptId);
      // A target missing from the snapshot cannot be served (versions are never deleted, so it
      // would take a torn read); a label left with none is as if removed.
      const targets = move.targets.filter((target) => known?.has(target.version) === true);
      let byLabel = labels.get(move.promptId);
      if (byLabel === undefined) {
        byLabel = new Map();
        labels.set(move.promptId, byLabel);
      }
      if (targets.length > 0) byLabel.set(move.label, targets);
      else byLabel.delete(move.label);
    }
    const prompts = new Map<string, ServedPrompt>();
    for (const [promptId, byNumber] of versions) {
      let latest: ServedVersion | undefined;
      for (const served of byNumber.values()) {
        if (latest === undefined || served.record.version > latest.record.version) latest = served;
      }
      if (latest === undefined) continue;
      prompts.set(promptId, {
        versions: byNumber,
        latest,
        labels: labels.get(promptId) ?? new Map(),
      });
    }
    return new PromptCatalogue(prompts);
  }

  /**
   * Resolves a checked reference and renders it. Synchronous and pure. `prefix` is put before
   * the field names in errors (`prompt.` for a request). Throws `GatewayError`:
   * `SB_ERR_PROMPT_NOT_FOUND` (param `id`, `version` or `label`) for what does not exist,
   * `SB_ERR_REQUEST_INVALID` for variables that do not fit the template, `SB_ERR_INTERNAL` for a
   * stored version this Signalbox cannot read.
   */
  resolve(reference: PromptReference, stickiness: string, prefix: string): ResolvedPrompt {
    const prompt = this.#prompts.get(reference.id);
    if (prompt === undefined) {
      throw notFound(`${prefix}id`, `There is no prompt \`${reference.id}\`.`);
    }
    let served: ServedVersion | undefined;
    if (reference.version !== undefined) {
      served = prompt.versions.get(reference.version);
      if (served === undefined) {
        throw notFound(
          `${prefix}version`,
          `Prompt \`${reference.id}\` has no version ${String(reference.version)}.`,
        );
      }
    } else if (reference.label === latestLabel) {
      served = prompt.latest;
    } else {
      const targets = prompt.labels.get(reference.label);
      if (targets === undefined) {
        throw notFound(
          `${prefix}label`,
          `Prompt \`${reference.id}\` has no label \`${reference.label}\`.`,
        );
      }
      served = prompt.versions.get(
        pickWeightedVersion(reference.id, reference.label, targets, stickiness),
      );
    }
    if (served?.template === undefined) {
      throw new GatewayError('SB_ERR_INTERNAL', {
        internalDetail: `prompt ${reference.id} version ${String(served?.record.version)} cannot be read: ${served?.problem ?? 'missing'}`,
      });
    }
    return {
      provenance: {
        id: reference.id,
        version: served.record.version,
        label: reference.label,
        sha256: served.record.sha256,
      },
      preamble: renderPrompt(served.template, reference.variables, `${prefix}variables`),
    };
  }
}
