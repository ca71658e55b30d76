import type {
  ContextDocumentEvent,
  ContextDocumentVersionRecord,
} from '../../storage/context-document-store.ts';

/** Where a version stands at one moment (docs/prompts.md). */
export type ContextVersionStatus = 'draft' | 'approved' | 'expired' | 'revoked';

/** A stored version with the events that decide its status. */
export interface ContextVersionState {
  readonly record: ContextDocumentVersionRecord;
  /** Its first approval; undefined while it is a draft. */
  readonly approval: ContextDocumentEvent | undefined;
  /** Its first revocation; undefined while it stands. */
  readonly revocation: ContextDocumentEvent | undefined;
}

/**
 * The status of a version at `at` (epoch ms). Pure. A revocation outranks expiry, and expiry
 * outranks approval, so a version past its date is `expired` whether or not it was approved.
 */
export function contextVersionStatus(state: ContextVersionState, at: number): ContextVersionStatus {
  if (state.revocation !== undefined) return 'revoked';
  const expiresAt = state.record.expiresAt;
  if (expiresAt !== null && expiresAt <= at) return 'expired';
  return state.approval === undefined ? 'draft' : 'approved';
}
