import { describe, expect, it } from 'vitest';
import { isCredentialHeaderName } from './credential-header-name.ts';

describe('isCredentialHeaderName', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'cookie',
    'x-api-key',
    'X-API-KEY',
    'api-key',
    'x-goog-api-key',
    'x-amz-security-token',
    'x-session-token',
    'x-client-secret',
    'x-db-password',
  ])('%s carries a credential', (name) => {
    expect(isCredentialHeaderName(name)).toBe(true);
  });

  it.each([
    'content-type',
    'user-agent',
    'x-request-id',
    'anthropic-beta',
    'idempotency-key',
    'x-tokens',
    'token',
    'x-secretary',
    'set-cookie-policy',
  ])('%s does not', (name) => {
    expect(isCredentialHeaderName(name)).toBe(false);
  });
});
