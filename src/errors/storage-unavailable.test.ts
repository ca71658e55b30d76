import { describe, expect, it } from 'vitest';
import { toGatewayError } from './gateway-error.ts';
import { isStorageUnavailable } from './storage-unavailable.ts';

const withCode = (message: string, code: string): Error =>
  Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it('recognises a database or Redis that is unreachable, restarting or read-only', () => {
    expect(
      isStorageUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')),
    ).toBe(true);
    expect(isStorageUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isStorageUnavailable(withCode('terminating connection', '57P01'))).toBe(true);
    expect(isStorageUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isStorageUnavailable(withCode('read-only transaction', '25006'))).toBe(true);
    expect(
      isStorageUnavailable(new AggregateError([withCode('refused', 'ECONNREFUSED')], 'failed')),
    ).toBe(true);
  });

  it('leaves bugs and bad data alone', () => {
    expect(isStorageUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isStorageUnavailable(withCode('duplicate key', '23505'))).toBe(false);
    expect(isStorageUnavailable(withCode('syntax error', '42601'))).toBe(false);
    expect(isStorageUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe('toGatewayError', () => {
  it('turns an unreachable database into a retryable 503 instead of a 500', () => {
    // Before the fix a key not yet cached, or an admin write, during an outage got 500 SB_ERR_INTERNAL.
    const error = toGatewayError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'));
    expect(error.code).toBe('SB_ERR_STORAGE_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.publicMessage).not.toContain('5432');
    expect(toGatewayError(new TypeError('bug')).code).toBe('SB_ERR_INTERNAL');
  });
});
