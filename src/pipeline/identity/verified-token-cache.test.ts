import { describe, expect, it } from 'vitest';
import type { JwtIdentity } from './jwt-identity.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

const identity = (expiresAt: number): JwtIdentity => ({
  subject: 's',
  user: 's',
  email: undefined,
  team: undefined,
  org: undefined,
  role: 'member',
  roleSource: 'default',
  agent: undefined,
  issuer: 'i',
  expiresAt,
});

function cacheAt(time: { now: number }, maxEntries = 10) {
  return new VerifiedTokenCache({
    clock: { now: () => time.now, monotonic: () => time.now },
    maxEntries,
    expiryMarginMs: 5_000,
    maxAgeMs: 60_000,
  });
}

describe('VerifiedTokenCache', () => {
  it('serves an entry until the margin before exp', () => {
    const time = { now: 0 };
    const cache = cacheAt(time);
    cache.set('t', identity(20_000));
    time.now = 14_999;
    expect(cache.get('t')).toBeDefined();
    time.now = 15_000;
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('serves an entry for at most maxAgeMs', () => {
    const time = { now: 0 };
    const cache = cacheAt(time);
    cache.set('t', identity(3_600_000));
    time.now = 60_000;
    expect(cache.get('t')).toBeUndefined();
  });

  it('does not keep tokens already inside the margin', () => {
    const time = { now: 0 };
    const cache = cacheAt(time);
    cache.set('t', identity(4_000));
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry past maxEntries', () => {
    const time = { now: 0 };
    const cache = cacheAt(time, 2);
    cache.set('a', identity(600_000));
    cache.set('b', identity(600_000));
    cache.get('a');
    cache.set('c', identity(600_000));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });
});
