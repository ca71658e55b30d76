import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type { PromptLabelMove, PromptVersionRecord } from '../../storage/prompt-store.ts';

/** A stored prompt version as the admin API shows it. */
export interface PromptVersionView {
  readonly id: string;
  readonly version: number;
  readonly sha256: string;
  readonly note: string;
  readonly created_at: string;
  readonly created_by: string;
}

/** A version with its template (`messages` and `variables` as the admin wrote them). */
export interface PromptVersionDetailView extends PromptVersionView {
  readonly messages: unknown;
  readonly variables: unknown;
}

/** Where a label points (no targets: removed), since when and by whom. */
export interface PromptLabelView {
  readonly label: string;
  readonly targets: readonly { readonly version: number; readonly weight: number }[];
  readonly moved_at: string;
  readonly moved_by: string;
}

export interface PromptSummaryView {
  readonly id: string;
  readonly latest_version: number;
  /** Labels that point somewhere, by name. */
  readonly labels: readonly PromptLabelView[];
  /** The latest version's creation or label move, whichever is later. */
  readonly updated_at: string;
}

export interface PromptDetailView {
  readonly id: string;
  /** Newest first. */
  readonly versions: readonly PromptVersionView[];
  /** Labels that point somewhere, by name. */
  readonly labels: readonly PromptLabelView[];
  /** Label moves, newest first, at most `maxHistory`. */
  readonly history: readonly (PromptLabelView & { readonly seq: number })[];
}

/** The most label moves a detail view lists. */
export const maxHistory = 100;

function isoTime(epochMilliseconds: number): string {
  return new Date(epochMilliseconds).toISOString();
}

export function toVersionView(record: PromptVersionRecord): PromptVersionView {
  return {
    id: record.promptId,
    version: record.version,
    sha256: record.sha256,
    note: record.note,
    created_at: isoTime(record.createdAt),
    created_by: record.createdBy,
  };
}

/** The view with the stored template's members (null ones when the text cannot be read). */
export function toVersionDetailView(record: PromptVersionRecord): PromptVersionDetailView {
  const parsed = safeParseJson(record.template);
  const template = parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
  return {
    ...toVersionView(record),
    messages: template.messages ?? null,
    variables: template.variables ?? null,
  };
}

export function toLabelView(move: PromptLabelMove): PromptLabelView {
  return {
    label: move.label,
    targets: move.targets.map((target) => ({ version: target.version, weight: target.weight })),
    moved_at: isoTime(move.movedAt),
    moved_by: move.movedBy,
  };
}

/** The labels of moves listed newest first that point somewhere now, by name. */
export function currentLabels(movesNewestFirst: readonly PromptLabelMove[]): PromptLabelView[] {
  const seen = new Set<string>();
  const current: PromptLabelMove[] = [];
  for (const move of movesNewestFirst) {
    if (seen.has(move.label)) continue;
    seen.add(move.label);
    if (move.targets.length > 0) current.push(move);
  }
  return current
    .sort((left, right) => (left.label < right.label ? -1 : left.label > right.label ? 1 : 0))
    .map(toLabelView);
}

/** A summary of one prompt from its versions (any order) and its labels' latest moves. */
export function toSummaryView(
  promptId: string,
  versions: readonly PromptVersionRecord[],
  latestMoves: readonly PromptLabelMove[],
): PromptSummaryView {
  let latest = 0;
  let updatedAt = 0;
  for (const record of versions) {
    latest = Math.max(latest, record.version);
    updatedAt = Math.max(updatedAt, record.createdAt);
  }
  for (const move of latestMoves) updatedAt = Math.max(updatedAt, move.movedAt);
  const newestFirst = [...latestMoves].sort((left, right) => right.seq - left.seq);
  return {
    id: promptId,
    latest_version: latest,
    labels: currentLabels(newestFirst),
    updated_at: isoTime(updatedAt),
  };
}

export function toDetailView(
  promptId: string,
  versionsNewestFirst: readonly PromptVersionRecord[],
  movesNewestFirst: readonly PromptLabelMove[],
): PromptDetailView {
  return {
    id: promptId,
    versions: versionsNewestFirst.map(toVersionView),
    labels: currentLabels(movesNewestFirst),
    history: movesNewestFirst.slice(0, maxHistory).map((move) => ({
      ...toLabelView(move),
      seq: move.seq,
    })),
  };
}
