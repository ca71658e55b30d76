import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import type { Clock } from '../lib/clock.ts';
import { executePlan, PlanFailedError } from './execute-plan.ts';

const clock: Clock = { now: () => 0, monotonic: () => 0 };
const targets = [
  { providerId: 'a', upstreamModel: 'm' },
  { providerId: 'b', upstreamModel: 'm' },
  { providerId: 'c', upstreamModel: 'm' },
];

async function run(outcomes: (ErrorCode | 'ok')[]) {
  const tried: string[] = [];
  try {
    const result = await executePlan(
      targets,
      (target) => {
        const outcome = outcomes[tried.length] ?? 'ok';
        tried.push(target.providerId);
        return outcome === 'ok'
          ? Promise.resolve(target.providerId)
          : Promise.reject(new GatewayError(outcome));
      },
      clock,
    );
    return { tried, value: result.value, attempts: result.attempts.length };
  } catch (error) {
    if (error instanceof PlanFailedError) {
      return { tried, error: error.lastError.code, attempts: error.attempts.length };
    }
    throw error;
  }
}

describe('executePlan', () => {
  it('stops at the first success', async () => {
    expect(await run(['ok'])).toEqual({ tried: ['a'], value: 'a', attempts: 1 });
  });

  it.each<ErrorCode>([
    'SB_ERR_UPSTREAM_RATE_LIMITED',
    'SB_ERR_UPSTREAM_OVERLOADED',
    'SB_ERR_UPSTREAM_ERROR',
    'SB_ERR_UPSTREAM_TIMEOUT',
    'SB_ERR_UPSTREAM_CONNECTION',
  ])('falls back on %s', async (code) => {
    expect(await run([code, 'ok'])).toEqual({ tried: ['a', 'b'], value: 'b', attempts: 2 });
  });

  it.each<ErrorCode>(['SB_ERR_UPSTREAM_REJECTED_REQUEST', 'SB_ERR_CLIENT_CLOSED'])(
    'does not fall back on %s',
    async (code) => {
      expect(await run([code, 'ok'])).toEqual({ tried: ['a'], error: code, attempts: 1 });
    },
  );

  it('reports the last error when every target failed', async () => {
    expect(
      await run([
        'SB_ERR_UPSTREAM_TIMEOUT',
        'SB_ERR_UPSTREAM_ERROR',
        'SB_ERR_UPSTREAM_RATE_LIMITED',
      ]),
    ).toEqual({ tried: ['a', 'b', 'c'], error: 'SB_ERR_UPSTREAM_RATE_LIMITED', attempts: 3 });
  });
});
