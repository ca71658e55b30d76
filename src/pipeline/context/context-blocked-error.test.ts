import { describe, expect, it } from 'vitest';
import { GatewayError, toGatewayError } from '../../errors/gateway-error.ts';
import { ContextBlockedError } from './context-blocked-error.ts';

describe('ContextBlockedError', () => {
  it('is a public 403 gateway error carrying the provenance of the refused request', () => {
    const provenance = [
      {
        id: 'refund-policy',
        version: 2,
        sha256: 'd'.repeat(64),
        status: 'revoked',
        handling: 'blocked',
        attachment: 'ctxatt_1',
      },
    ] as const;
    const error = new ContextBlockedError(
      'Context document `refund-policy` version 2 was revoked.',
      provenance,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(toGatewayError(error)).toBe(error);
    expect(error.code).toBe('SB_ERR_CONTEXT_STALE');
    expect(error.status).toBe(403);
    expect(error.retryable).toBe(false);
    expect(error.publicMessage).toMatch(/version 2 was revoked\.$/);
    expect(error.provenance).toBe(provenance);
    expect(error.name).toBe('ContextBlockedError');
  });
});
