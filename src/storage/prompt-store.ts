/** One immutable version of a prompt template (docs/prompts.md). */
export interface PromptVersionRecord {
  readonly promptId: string;
  /** 1 for a prompt's first version, then 2, 3, …; assigned by the store. */
  readonly version: number;
  /** The template as canonical JSON text (`prompt-template.ts`). */
  readonly template: string;
  /** SHA-256 of `template`, lowercase hex. */
  readonly sha256: string;
  readonly note: string;
  readonly createdAt: number;
  /** The principal (agent) that stored it. */
  readonly createdBy: string;
}

/** One version a label points at, with its share of the label's traffic (weights are relative). */
export interface PromptLabelTarget {
  readonly version: number;
  readonly weight: number;
}

/** One move of a label: from `movedAt` on, the label points at `targets` (empty: removed). */
export interface PromptLabelMove {
  readonly seq: number;
  readonly promptId: string;
  readonly label: string;
  readonly targets: readonly PromptLabelTarget[];
  readonly movedAt: number;
  readonly movedBy: string;
}

/**
 * Prompt templates, shared by every replica. Versions are immutable and numbered per prompt;
 * label moves append to a history (a label's latest move is in force), so a rollback is a move.
 */
export interface PromptStore {
  /**
   * Stores the next version of a prompt (1 for a new one), unless its newest version has the same
   * `sha256`, which it resolves instead with `created: false`. Concurrent adds never share a number.
   */
  addVersion(
    version: Omit<PromptVersionRecord, 'version'>,
  ): Promise<{ readonly record: PromptVersionRecord; readonly created: boolean }>;
  findVersion(promptId: string, version: number): Promise<PromptVersionRecord | undefined>;
  /** A prompt's versions, newest first. */
  listVersions(promptId: string): Promise<PromptVersionRecord[]>;
  /** Appends a move; rejects with `RangeError` when a target names a version the prompt lacks. */
  moveLabel(move: Omit<PromptLabelMove, 'seq'>): Promise<PromptLabelMove>;
  /** Moves of a prompt's labels (of one label when given), newest first. */
  labelHistory(promptId: string, label?: string): Promise<PromptLabelMove[]>;
  /** Every version and the latest move of every label: what a process serves from. */
  snapshot(): Promise<{
    readonly versions: readonly PromptVersionRecord[];
    readonly labels: readonly PromptLabelMove[];
  }>;
  /** A number that grows whenever the store changes (to reload a snapshot only then). */
  revision(): Promise<number>;
}
