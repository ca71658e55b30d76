/** The state of the audit log (`GET /admin/audit/status`). */
export interface AuditStatusView {
  readonly records: number;
  /** The newest record, or null on an empty log. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** The newest signed checkpoint in the checkpoint file (not verified here), or null. */
  readonly checkpoint: {
    readonly origin: string;
    readonly tree_size: number;
    readonly root_hash: string;
    readonly signed_by: readonly string[];
  } | null;
}

/** The outcome of a full verification (`POST /admin/audit/verify`). */
export interface AuditVerifyView {
  /** True only when the whole log was checked and nothing is wrong. */
  readonly ok: boolean;
  /** False when the time limit stopped the check before the end of the log. */
  readonly complete: boolean;
  readonly records_checked: number;
  readonly first_bad_seq: number | null;
  readonly checkpoints_verified: number;
  /** One line per problem found (capped), or the warnings when there is none. */
  readonly detail: string;
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * Reading the audit trail's health from the admin API. `verify` is expensive (it reads the
 * whole log, page by page): concurrent calls share one run, and a run stops at a time limit.
 */
export interface AuditInspection {
  status(): Promise<AuditStatusView>;
  verify(): Promise<AuditVerifyView>;
}
