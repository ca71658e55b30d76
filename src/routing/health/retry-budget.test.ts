import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RetryBudget, retryBudgetWindowMs, type RetryBudgetPolicy } from './retry-budget.ts';

/** How many of `wanted` retries at `atMs` the budget allows. */
function allowed(budget: RetryBudget, atMs: number, wanted: number): number {
  let count = 0;
  for (let index = 0; index < wanted; index += 1) {
    if (budget.tryRetry(atMs)) {
      count += 1;
    }
  }
  return count;
}

function firstAttempts(budget: RetryBudget, atMs: number, count: number): void {
  for (let index = 0; index < count; index += 1) {
    budget.recordFirstAttempt(atMs);
  }
}

describe('RetryBudget', () => {
  it.each([
    { policy: { budgetRatio: 0.2, minRetriesPerSecond: 0 }, first: 100, wanted: 50, expected: 20 },
    { policy: { budgetRatio: 0.2, minRetriesPerSecond: 2 }, first: 100, wanted: 50, expected: 40 },
    { policy: { budgetRatio: 0, minRetriesPerSecond: 2 }, first: 1000, wanted: 50, expected: 20 },
    { policy: { budgetRatio: 0, minRetriesPerSecond: 0 }, first: 1000, wanted: 5, expected: 0 },
    { policy: { budgetRatio: 1, minRetriesPerSecond: 0 }, first: 7, wanted: 50, expected: 7 },
    // A fractional allowance rounds up: the check is "fewer than allowed", before counting.
    { policy: { budgetRatio: 0.25, minRetriesPerSecond: 0 }, first: 10, wanted: 5, expected: 3 },
    { policy: { budgetRatio: 0, minRetriesPerSecond: 0.05 }, first: 0, wanted: 5, expected: 1 },
  ])(
    'allows $expected of $wanted retries after $first first attempts with $policy',
    ({ policy, first, wanted, expected }) => {
      const budget = new RetryBudget(policy);
      firstAttempts(budget, 0, first);
      expect(allowed(budget, 0, wanted)).toBe(expected);
    },
  );

  it('lets first attempts and retries leave the 10 s window', () => {
    const budget = new RetryBudget({ budgetRatio: 0.5, minRetriesPerSecond: 0 });
    firstAttempts(budget, 0, 10);
    expect(allowed(budget, 0, 10)).toBe(5);
    // Still inside the window: nothing more.
    expect(allowed(budget, 9000, 1)).toBe(0);
    // Both the first attempts and the retries have left it: nothing is allowed without new traffic.
    expect(allowed(budget, retryBudgetWindowMs, 1)).toBe(0);
    firstAttempts(budget, retryBudgetWindowMs, 4);
    expect(allowed(budget, retryBudgetWindowMs, 10)).toBe(2);
  });

  it('frees budget as old retries leave while first attempts keep coming', () => {
    const budget = new RetryBudget({ budgetRatio: 0.1, minRetriesPerSecond: 0 });
    firstAttempts(budget, 0, 100);
    expect(allowed(budget, 0, 100)).toBe(10);
    firstAttempts(budget, 5000, 100);
    expect(allowed(budget, 5000, 100)).toBe(10);
    // At 10 s the first second's attempts and retries are gone; 100 first attempts remain.
    expect(allowed(budget, 10_000, 100)).toBe(0);
    firstAttempts(budget, 10_000, 100);
    expect(allowed(budget, 10_000, 100)).toBe(10);
  });

  it('applies a new policy to the counts it has', () => {
    const budget = new RetryBudget({ budgetRatio: 0.1, minRetriesPerSecond: 0 });
    firstAttempts(budget, 0, 100);
    expect(allowed(budget, 0, 100)).toBe(10);
    budget.setPolicy({ budgetRatio: 0.3, minRetriesPerSecond: 0 });
    expect(budget.policy.budgetRatio).toBe(0.3);
    expect(allowed(budget, 0, 100)).toBe(20);
  });

  /**
   * A storm: requests arrive at a steady rate, every attempt fails, and each request retries as
   * often as `maxRetries` and the budget let it. In every aligned 10 s window, attempts stay within
   * (1 + ratio) × first attempts + the floor, and with ratio ≤ 1 within twice the first attempts
   * plus the floor.
   */
  function storm(policy: RetryBudgetPolicy, requestsPerSecond: number, maxRetries: number) {
    const budget = new RetryBudget(policy);
    const stepMs = 1000 / requestsPerSecond;
    const windows = new Map<number, { first: number; retries: number }>();
    for (let atMs = 0; atMs < 60_000; atMs += stepMs) {
      const window = Math.floor(atMs / retryBudgetWindowMs);
      const counts = windows.get(window) ?? { first: 0, retries: 0 };
      windows.set(window, counts);
      budget.recordFirstAttempt(atMs);
      counts.first += 1;
      for (let retry = 0; retry < maxRetries && budget.tryRetry(atMs); retry += 1) {
        counts.retries += 1;
      }
    }
    return [...windows.values()];
  }

  it.each([
    { ratio: 1, perSecond: 100, maxRetries: 5 },
    { ratio: 1, perSecond: 1, maxRetries: 5 },
    { ratio: 0.2, perSecond: 100, maxRetries: 3 },
    { ratio: 0.5, perSecond: 37, maxRetries: 1 },
  ])(
    'never lets retries more than double load in a storm (ratio $ratio, $perSecond/s)',
    ({ ratio, perSecond, maxRetries }) => {
      const floor = 2 * (retryBudgetWindowMs / 1000);
      for (const { first, retries } of storm(
        { budgetRatio: ratio, minRetriesPerSecond: 2 },
        perSecond,
        maxRetries,
      )) {
        expect(retries).toBeLessThanOrEqual(Math.ceil(ratio * first + floor));
        expect(first + retries).toBeLessThanOrEqual(2 * first + floor + 1);
      }
    },
  );

  it('keeps retries under the bound in its window at every retry, for any arrivals (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 8 })), {
          maxLength: 300,
        }),
        (ratio, floorPerSecond, arrivals) => {
          const budget = new RetryBudget({
            budgetRatio: ratio,
            minRetriesPerSecond: floorPerSecond,
          });
          // Kept independently of the budget: each event's 1 s bucket, and whether it was a retry.
          const events: { bucket: number; retry: boolean }[] = [];
          let atMs = 0;
          for (const [gapMs, wantedRetries] of arrivals) {
            atMs += gapMs;
            const bucket = Math.floor(atMs / 1000);
            budget.recordFirstAttempt(atMs);
            events.push({ bucket, retry: false });
            for (let retry = 0; retry < wantedRetries && budget.tryRetry(atMs); retry += 1) {
              events.push({ bucket, retry: true });
              let first = 0;
              let retries = 0;
              for (let index = events.length - 1; index >= 0; index -= 1) {
                const event = events[index]!;
                if (event.bucket <= bucket - retryBudgetWindowMs / 1000) {
                  break;
                }
                if (event.retry) {
                  retries += 1;
                } else {
                  first += 1;
                }
              }
              // The retry was allowed because the ones before it were fewer than the allowance.
              expect(retries - 1).toBeLessThan(ratio * first + floorPerSecond * 10);
            }
          }
        },
      ),
    );
  });
});
