import type { ContextVersionState } from './context-version-status.ts';

/** `yyyy-mm-dd` (UTC) of an epoch-millisecond time. */
function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * The system text that injects an approved version: a header line naming the document, its
 * version, owner, approval date and the start of its content hash, then the content as stored.
 * Pure. Throws `RangeError` for a version never approved (drafts are never injected).
 */
export function renderContextDocument(state: ContextVersionState): string {
  const { record, approval } = state;
  if (approval === undefined) {
    throw new RangeError(
      `context document ${record.documentId} version ${String(record.version)} was never approved`,
    );
  }
  return (
    `Reference document "${record.title}" (${record.documentId}, version ${String(record.version)}, ` +
    `owner ${record.owner}, approved ${utcDate(approval.at)}, sha256 ${record.sha256.slice(0, 12)}):\n` +
    record.content
  );
}

/**
 * The caution line put before a stale version's text (`caveat` handling). Pure. Throws
 * `RangeError` when the version is neither revoked nor past its expiry.
 */
export function contextCaveatLine(state: ContextVersionState): string {
  if (state.revocation !== undefined) {
    return `Caution: this reference document was revoked on ${utcDate(state.revocation.at)} and may be wrong.`;
  }
  if (state.record.expiresAt !== null) {
    return `Caution: this reference document expired on ${utcDate(state.record.expiresAt)} and may be out of date.`;
  }
  throw new RangeError(
    `context document ${state.record.documentId} version ${String(state.record.version)} is not stale`,
  );
}

/**
 * What a caller is told (a response header, a log line) when a stale version is served as is.
 * Pure; also the detail of the refusal when the attachment blocks instead.
 */
export function contextStaleSentence(
  state: ContextVersionState,
  status: 'expired' | 'revoked',
): string {
  const { documentId, version } = state.record;
  return `Context document \`${documentId}\` version ${String(version)} ${status === 'expired' ? 'has expired' : 'was revoked'}.`;
}
