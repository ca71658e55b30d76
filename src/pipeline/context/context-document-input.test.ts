import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import {
  contextAttachmentBodySchema,
  contextDocumentIdPattern,
  contextRevokeBodySchema,
  contextVersionBodySchema,
  parseContextInput,
} from './context-document-input.ts';

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('context document input', () => {
  it.each([
    ['refund-policy', true],
    ['a', true],
    ['v1.2_x', true],
    ['-lead', false],
    ['Upper', false],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ["x' OR 1=1", false],
  ])('document id %s valid: %s', (id, valid) => {
    expect(contextDocumentIdPattern.test(id)).toBe(valid);
  });

  it('accepts a version body with or without expiry, and refuses unknown fields', () => {
    const base = { title: 'T', owner: 'O', content: 'c' };
    expect(parseContextInput(contextVersionBodySchema, base, 'version')).toEqual(base);
    expect(
      parseContextInput(contextVersionBodySchema, { ...base, expires_at: null }, 'version'),
    ).toMatchObject({ expires_at: null });
    const error = refusal(() =>
      parseContextInput(contextVersionBodySchema, { ...base, status: 'approved' }, 'version'),
    );
    expect(error.code).toBe('SB_ERR_REQUEST_INVALID');
    expect(error.param).toBe('(body)');
    expect(error.publicMessage).toContain('unknown field(s): status');
  });

  it('defaults on_stale to caveat and refuses non-chat routes', () => {
    expect(
      parseContextInput(
        contextAttachmentBodySchema,
        { document: 'doc', scope: 'route', target: '/v1/responses' },
        'attachment',
      ),
    ).toEqual({ document: 'doc', scope: 'route', target: '/v1/responses', on_stale: 'caveat' });
    const error = refusal(() =>
      parseContextInput(
        contextAttachmentBodySchema,
        { document: 'doc', scope: 'route', target: '/v1/embeddings', version: 0 },
        'attachment',
      ),
    );
    expect(error.param).toBe('version');
    expect(error.publicMessage).toContain('`target` must be the path of a chat route');
  });

  it('takes an optional revocation reason of at most 500 characters', () => {
    expect(parseContextInput(contextRevokeBodySchema, {}, 'revocation')).toEqual({});
    expect(
      refusal(() => parseContextInput(contextRevokeBodySchema, { reason: 'x'.repeat(501) }, 'r'))
        .param,
    ).toBe('reason');
  });
});
