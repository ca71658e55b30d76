import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { MemoryRateLimitStore } from '../../storage/memory/rate-limit-store.ts';
import {
  enforceRateLimits,
  planRateLimits,
  type RateLimitRuleInput,
  type RateLimitSubject,
} from './enforce-rate-limits.ts';

function rule(overrides: Partial<RateLimitRuleInput> & Pick<RateLimitRuleInput, 'scope'>) {
  return { rpm: undefined, tpm: undefined, burst: undefined, match: undefined, ...overrides };
}

const alice: RateLimitSubject = {
  keyId: 'key_alice',
  team: 'red',
  model: 'fast',
  modelNames: ['openai/gpt-4o-mini'],
};

function fixedClock(start = 1_000_000): {
  now: () => number;
  monotonic: () => number;
  advance: (ms: number) => void;
} {
  let time = start;
  return {
    now: () => time,
    monotonic: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('planRateLimits', () => {
  it.each([
    [rule({ scope: 'key', rpm: 5 }), ['rpm:key:*:key_alice']],
    [rule({ scope: 'key', rpm: 5, match: 'key_alice' }), ['rpm:key:key_alice:key_alice']],
    [rule({ scope: 'key', rpm: 5, match: 'key_bob' }), []],
    [rule({ scope: 'team', tpm: 100 }), ['tpm:team:*:red']],
    [rule({ scope: 'team', tpm: 100, match: 'blue' }), []],
    [rule({ scope: 'model', rpm: 5, tpm: 9 }), ['rpm:model:*:fast', 'tpm:model:*:fast']],
    [rule({ scope: 'model', rpm: 5, match: 'fast' }), ['rpm:model:fast:fast']],
    [
      rule({ scope: 'model', rpm: 5, match: 'openai/gpt-4o-mini' }),
      ['rpm:model:openai/gpt-4o-mini:fast'],
    ],
    [rule({ scope: 'model', rpm: 5, match: 'slow' }), []],
  ])('applies %o as %o', (limit, keys) => {
    expect(planRateLimits([limit], alice, 10).map((each) => each.request.key)).toEqual(keys);
  });

  it('skips team limits for a key without a team', () => {
    expect(
      planRateLimits([rule({ scope: 'team', rpm: 1 })], { ...alice, team: undefined }, 1),
    ).toEqual([]);
  });

  it('charges 1 per request and the estimate per token, with burst defaulting to the limit', () => {
    const [requests, tokens] = planRateLimits(
      [rule({ scope: 'key', rpm: 60, tpm: 1000 })],
      alice,
      250,
    );
    expect(requests?.request).toMatchObject({ limit: 60, burst: 60, cost: 1, periodMs: 60_000 });
    expect(tokens?.request).toMatchObject({ limit: 1000, burst: 1000, cost: 250 });
    const [withBurst] = planRateLimits([rule({ scope: 'key', rpm: 60, burst: 5 })], alice, 1);
    expect(withBurst?.request.burst).toBe(5);
  });
});

describe('enforceRateLimits', () => {
  it('admits without limits and writes no headers', async () => {
    const admission = await enforceRateLimits(new MemoryRateLimitStore(), [], alice, 10);
    expect(admission.headers).toEqual({});
  });

  it('refuses the request after rpm with SB_ERR_RATE_LIMITED and a Retry-After', async () => {
    const clock = fixedClock();
    const store = new MemoryRateLimitStore({ clock });
    const rules = [rule({ scope: 'key', rpm: 2 })];
    const first = await enforceRateLimits(store, rules, alice, 10);
    expect(first.headers).toEqual({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '30s',
    });
    await enforceRateLimits(store, rules, alice, 10);
    const error = await refusal(enforceRateLimits(store, rules, alice, 10));
    expect(error.code).toBe('SB_ERR_RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.publicMessage).toContain('key rpm');
    expect(error.retryAfterSeconds).toBe(30);
    // Another key has its own counter.
    await enforceRateLimits(store, rules, { ...alice, keyId: 'key_bob' }, 10);
    clock.advance(30_000);
    await enforceRateLimits(store, rules, alice, 10);
  });

  it('charges nothing when one limit refuses (all or nothing)', async () => {
    const store = new MemoryRateLimitStore({ clock: fixedClock() });
    const keyLimit = [rule({ scope: 'key', rpm: 10 })];
    const both = [...keyLimit, rule({ scope: 'model', rpm: 1 })];
    await enforceRateLimits(store, both, alice, 1);
    const error = await refusal(enforceRateLimits(store, both, alice, 1));
    expect(error.publicMessage).toContain('model rpm');
    expect(error.publicMessage).not.toContain('key rpm');
    const admitted = await enforceRateLimits(store, keyLimit, alice, 1);
    // Two charges of the key limit (the first request and this one), not three.
    expect(admitted.headers['x-ratelimit-remaining-requests']).toBe('8');
  });

  it('reports the most constraining limit of each kind', async () => {
    const store = new MemoryRateLimitStore({ clock: fixedClock() });
    const admission = await enforceRateLimits(
      store,
      [rule({ scope: 'key', rpm: 100, tpm: 10_000 }), rule({ scope: 'team', rpm: 3, tpm: 50_000 })],
      alice,
      1_000,
    );
    expect(admission.headers).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9000',
    });
  });

  it('refuses a token cost above the burst with SB_ERR_RATE_LIMIT_EXCEEDS_BURST and no Retry-After', async () => {
    const store = new MemoryRateLimitStore({ clock: fixedClock() });
    const error = await refusal(
      enforceRateLimits(store, [rule({ scope: 'team', tpm: 100 })], alice, 101),
    );
    expect(error.code).toBe('SB_ERR_RATE_LIMIT_EXCEEDS_BURST');
    expect(error.status).toBe(413);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.publicMessage).toContain('team tpm');
  });

  it('corrects token limits with the actual usage', async () => {
    const store = new MemoryRateLimitStore({ clock: fixedClock() });
    const rules = [rule({ scope: 'key', tpm: 1_000 })];
    const first = await enforceRateLimits(store, rules, alice, 500);
    expect(first.headers['x-ratelimit-remaining-tokens']).toBe('500');
    await first.settle(100);
    const second = await enforceRateLimits(store, rules, alice, 0);
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe('900');
    await second.settle(400);
    const third = await enforceRateLimits(store, rules, alice, 0);
    expect(third.headers['x-ratelimit-remaining-tokens']).toBe('500');
  });
});
