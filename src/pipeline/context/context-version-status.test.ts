import { describe, expect, it } from 'vitest';
import type { ContextDocumentEvent } from '../../storage/context-document-store.ts';
import { contextVersionStatus, type ContextVersionState } from './context-version-status.ts';

function event(action: 'approve' | 'revoke', at: number): ContextDocumentEvent {
  return { seq: at, documentId: 'refund-policy', version: 1, action, reason: '', at, by: 'key_a' };
}

function state(expiresAt: number | null, approved: boolean, revoked: boolean): ContextVersionState {
  return {
    record: {
      documentId: 'refund-policy',
      version: 1,
      title: 'Refund policy',
      owner: 'support-ops',
      content: 'Refunds within 30 days.',
      sha256: 'a'.repeat(64),
      expiresAt,
      createdAt: 0,
      createdBy: 'key_a',
    },
    approval: approved ? event('approve', 10) : undefined,
    revocation: revoked ? event('revoke', 20) : undefined,
  };
}

describe('contextVersionStatus', () => {
  it.each([
    { expiresAt: null, approved: false, revoked: false, at: 50, status: 'draft' },
    { expiresAt: null, approved: true, revoked: false, at: 50, status: 'approved' },
    { expiresAt: 100, approved: true, revoked: false, at: 99, status: 'approved' },
    { expiresAt: 100, approved: true, revoked: false, at: 100, status: 'expired' },
    { expiresAt: 100, approved: false, revoked: false, at: 100, status: 'expired' },
    { expiresAt: 100, approved: false, revoked: false, at: 99, status: 'draft' },
    { expiresAt: null, approved: true, revoked: true, at: 50, status: 'revoked' },
    { expiresAt: 100, approved: true, revoked: true, at: 500, status: 'revoked' },
    { expiresAt: null, approved: false, revoked: true, at: 50, status: 'revoked' },
  ] as const)(
    'expires $expiresAt, approved $approved, revoked $revoked, at $at: $status',
    ({ expiresAt, approved, revoked, at, status }) => {
      expect(contextVersionStatus(state(expiresAt, approved, revoked), at)).toBe(status);
    },
  );
});
