import { describe, expect, it } from 'vitest';
import type { ContextDocumentEvent } from '../../storage/context-document-store.ts';
import type { ContextVersionState } from './context-version-status.ts';
import {
  contextCaveatLine,
  contextStaleSentence,
  renderContextDocument,
} from './render-context-document.ts';

const approval: ContextDocumentEvent = {
  seq: 1,
  documentId: 'refund-policy',
  version: 4,
  action: 'approve',
  reason: '',
  at: Date.parse('2026-02-10T23:59:59Z'),
  by: 'key_a',
};

function state(
  overrides: Partial<ContextVersionState> = {},
  expiresAt: number | null = null,
): ContextVersionState {
  return {
    record: {
      documentId: 'refund-policy',
      version: 4,
      title: 'Refund "policy" {{x}}',
      owner: 'support-ops',
      content: 'Line one.\nLine two with ${x} and {{y}}.',
      sha256: '0123456789abcdef'.repeat(4),
      expiresAt,
      createdAt: 0,
      createdBy: 'key_a',
    },
    approval,
    revocation: undefined,
    ...overrides,
  };
}

describe('renderContextDocument', () => {
  it('writes the header line, then the content as stored', () => {
    expect(renderContextDocument(state())).toBe(
      'Reference document "Refund "policy" {{x}}" (refund-policy, version 4, owner support-ops, approved 2026-02-10, sha256 0123456789ab):\nLine one.\nLine two with ${x} and {{y}}.',
    );
  });

  it('refuses a version never approved', () => {
    expect(() => renderContextDocument(state({ approval: undefined }))).toThrow(RangeError);
  });
});

describe('contextCaveatLine', () => {
  it('names the expiry date, or the revocation date when revoked', () => {
    const expires = Date.parse('2026-03-05T00:00:00Z');
    expect(contextCaveatLine(state({}, expires))).toBe(
      'Caution: this reference document expired on 2026-03-05 and may be out of date.',
    );
    const revocation = {
      ...approval,
      seq: 2,
      action: 'revoke' as const,
      at: Date.parse('2026-03-01T08:00:00Z'),
    };
    expect(contextCaveatLine(state({ revocation }, expires))).toBe(
      'Caution: this reference document was revoked on 2026-03-01 and may be wrong.',
    );
    expect(() => contextCaveatLine(state())).toThrow(RangeError);
  });
});

describe('contextStaleSentence', () => {
  it('says which version is stale and how', () => {
    expect(contextStaleSentence(state(), 'expired')).toBe(
      'Context document `refund-policy` version 4 has expired.',
    );
    expect(contextStaleSentence(state(), 'revoked')).toBe(
      'Context document `refund-policy` version 4 was revoked.',
    );
  });
});
