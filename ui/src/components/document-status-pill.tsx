import type { ContextDocumentStatus } from '../api/api-types.ts';
import { StatusPill } from './status-pill.tsx';

const tones = {
  approved: 'good',
  expired: 'warn',
  revoked: 'bad',
  draft: 'neutral',
} as const;

/** A context document version's status; `null` (nothing approved to serve) reads "none". */
export function DocumentStatusPill({ status }: { readonly status: ContextDocumentStatus | null }) {
  return status === null ? (
    <StatusPill tone="neutral">none</StatusPill>
  ) : (
    <StatusPill tone={tones[status]}>{status}</StatusPill>
  );
}
