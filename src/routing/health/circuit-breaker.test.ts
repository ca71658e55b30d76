import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  defaultBreakerPolicy,
  type BreakerPolicy,
  type BreakerState,
} from './circuit-breaker.ts';

const policy: BreakerPolicy = {
  windowMs: 10_000,
  minRequests: 4,
  failureRate: 0.5,
  openMs: 5000,
  halfOpenProbes: 1,
};

/** One step of a scenario, at a time in ms. */
type Step =
  | { readonly at: number; readonly record: 'success' | 'failure'; readonly times?: number }
  | { readonly at: number; readonly probe: 'success' | 'failure' }
  | { readonly at: number; readonly release: true }
  | { readonly at: number; readonly admit: 'normal' | 'probe' | { retryAtMs: number } }
  | { readonly at: number; readonly state: BreakerState };

interface Scenario {
  readonly name: string;
  readonly policy?: Partial<BreakerPolicy>;
  readonly steps: readonly Step[];
}

const trip: readonly Step[] = [{ at: 0, record: 'failure', times: 4 }];

const scenarios: Scenario[] = [
  {
    name: 'stays closed below min requests, however bad the rate',
    steps: [
      { at: 0, record: 'failure', times: 3 },
      { at: 1, state: 'closed' },
      { at: 1, admit: 'normal' },
    ],
  },
  {
    name: 'stays closed below the failure rate',
    steps: [
      { at: 0, record: 'success', times: 6 },
      { at: 0, record: 'failure', times: 5 },
      { at: 1, state: 'closed' },
    ],
  },
  {
    name: 'opens when requests reach the minimum at the failure rate',
    steps: [
      { at: 0, record: 'success', times: 2 },
      { at: 0, record: 'failure' },
      { at: 0, state: 'closed' },
      { at: 100, record: 'failure' },
      { at: 100, state: 'open' },
      { at: 200, admit: { retryAtMs: 5100 } },
    ],
  },
  {
    name: 'opens on a success that brings the requests to the minimum at a high rate',
    steps: [
      { at: 0, record: 'failure', times: 3 },
      { at: 0, record: 'success' },
      { at: 0, state: 'open' },
    ],
  },
  {
    name: 'becomes half-open after openMs and admits a single probe',
    steps: [
      ...trip,
      { at: 4999, state: 'open' },
      { at: 5000, state: 'half-open' },
      { at: 5000, admit: 'probe' },
      { at: 5001, admit: { retryAtMs: 10_000 } },
      { at: 5001, state: 'half-open' },
    ],
  },
  {
    name: 'closes on a probe success, with an empty window',
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 5100, probe: 'success' },
      { at: 5100, state: 'closed' },
      { at: 5100, admit: 'normal' },
      // Only the three new failures count: the four that opened it are gone.
      { at: 5200, record: 'failure', times: 3 },
      { at: 5200, state: 'closed' },
    ],
  },
  {
    name: 'opens again for a fresh openMs on a probe failure',
    steps: [
      ...trip,
      { at: 6000, admit: 'probe' },
      { at: 6500, probe: 'failure' },
      { at: 6500, state: 'open' },
      { at: 7000, admit: { retryAtMs: 11_500 } },
      { at: 11_500, admit: 'probe' },
    ],
  },
  {
    name: 'needs halfOpenProbes consecutive successes, one probe at a time',
    policy: { halfOpenProbes: 3 },
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 5000, admit: { retryAtMs: 10_000 } },
      { at: 5010, probe: 'success' },
      { at: 5010, state: 'half-open' },
      { at: 5020, admit: 'probe' },
      { at: 5030, probe: 'success' },
      { at: 5040, admit: 'probe' },
      { at: 5050, probe: 'success' },
      { at: 5050, state: 'closed' },
    ],
  },
  {
    name: 'a probe failure restarts the count of successes',
    policy: { halfOpenProbes: 2 },
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 5010, probe: 'success' },
      { at: 5020, admit: 'probe' },
      { at: 5030, probe: 'failure' },
      { at: 10_030, admit: 'probe' },
      { at: 10_040, probe: 'success' },
      { at: 10_040, state: 'half-open' },
      { at: 10_050, admit: 'probe' },
      { at: 10_060, probe: 'success' },
      { at: 10_060, state: 'closed' },
    ],
  },
  {
    name: 'frees the probe slot when a probe is released',
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 5100, release: true },
      { at: 5100, admit: 'probe' },
    ],
  },
  {
    name: 'recovers a lost probe slot after openMs',
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 9999, admit: { retryAtMs: 10_000 } },
      { at: 10_000, admit: 'probe' },
      { at: 10_100, admit: { retryAtMs: 15_000 } },
    ],
  },
  {
    name: 'lets old failures slide out of the window',
    steps: [
      { at: 0, record: 'failure', times: 3 },
      // 10 s later the bucket of those failures has left the 10 s window.
      { at: 10_000, record: 'failure' },
      { at: 10_000, state: 'closed' },
      { at: 10_500, record: 'failure', times: 3 },
      { at: 10_500, state: 'open' },
    ],
  },
  {
    name: 'ignores non-probe verdicts while open',
    steps: [
      ...trip,
      { at: 100, record: 'success', times: 10 },
      { at: 5000, record: 'success', times: 10 },
      { at: 5000, state: 'half-open' },
      { at: 5000, record: 'failure' },
      { at: 5000, admit: 'probe' },
    ],
  },
  {
    name: 'treats a late probe verdict after closing as an ordinary one',
    steps: [
      ...trip,
      { at: 5000, admit: 'probe' },
      { at: 5010, probe: 'success' },
      { at: 5020, probe: 'failure' },
      { at: 5020, state: 'closed' },
    ],
  },
];

function run(breaker: CircuitBreaker, step: Step): void {
  if ('record' in step) {
    for (let index = 0; index < (step.times ?? 1); index += 1) {
      if (step.record === 'success') {
        breaker.recordSuccess(step.at, false);
      } else {
        breaker.recordFailure(step.at, false);
      }
    }
  } else if ('probe' in step) {
    if (step.probe === 'success') {
      breaker.recordSuccess(step.at, true);
    } else {
      breaker.recordFailure(step.at, true);
    }
  } else if ('release' in step) {
    breaker.release(true);
  } else if ('admit' in step) {
    const expected =
      step.admit === 'normal'
        ? { admitted: true, probe: false }
        : step.admit === 'probe'
          ? { admitted: true, probe: true }
          : { admitted: false, retryAtMs: step.admit.retryAtMs };
    expect(breaker.peek(step.at), `peek at ${step.at}`).toEqual(expected);
    expect(breaker.admit(step.at), `admit at ${step.at}`).toEqual(expected);
  } else {
    expect(breaker.state(step.at), `state at ${step.at}`).toBe(step.state);
  }
}

describe('CircuitBreaker', () => {
  it.each(scenarios)('$name', ({ policy: override, steps }) => {
    const breaker = new CircuitBreaker({ ...policy, ...override });
    for (const step of steps) {
      run(breaker, step);
    }
  });

  it('has the documented defaults', () => {
    expect(defaultBreakerPolicy).toEqual({
      windowMs: 30_000,
      minRequests: 10,
      failureRate: 0.5,
      openMs: 30_000,
      halfOpenProbes: 1,
    });
  });

  it('reports when it opened and until when, only while open', () => {
    const breaker = new CircuitBreaker(policy);
    expect([breaker.openedAtMs, breaker.untilMs]).toEqual([undefined, undefined]);
    for (let index = 0; index < 4; index += 1) {
      breaker.recordFailure(1000, false);
    }
    expect([breaker.openedAtMs, breaker.untilMs]).toEqual([1000, 6000]);
    breaker.admit(6000);
    breaker.recordSuccess(6001, true);
    expect([breaker.openedAtMs, breaker.untilMs]).toEqual([undefined, undefined]);
  });

  it('peek never takes the probe slot', () => {
    const breaker = new CircuitBreaker(policy);
    for (let index = 0; index < 4; index += 1) {
      breaker.recordFailure(0, false);
    }
    for (let index = 0; index < 3; index += 1) {
      expect(breaker.peek(5000)).toEqual({ admitted: true, probe: true });
    }
    expect(breaker.admit(5000)).toEqual({ admitted: true, probe: true });
    expect(breaker.peek(5000)).toEqual({ admitted: false, retryAtMs: 10_000 });
  });

  it('counts verdicts and failures in its window', () => {
    const breaker = new CircuitBreaker(policy);
    breaker.recordSuccess(0, false);
    breaker.recordFailure(0, false);
    breaker.recordSuccess(0, false);
    expect([breaker.requests(0), breaker.failures(0)]).toEqual([3, 1]);
    expect([breaker.requests(10_000), breaker.failures(10_000)]).toEqual([0, 0]);
  });

  it('keeps its window across a policy change of the same length and restarts it otherwise', () => {
    const breaker = new CircuitBreaker(policy);
    for (let index = 0; index < 3; index += 1) {
      breaker.recordFailure(0, false);
    }
    breaker.setPolicy({ ...policy, minRequests: 3 });
    expect(breaker.requests(0)).toBe(3);
    breaker.setPolicy({ ...policy, windowMs: 20_000 });
    expect(breaker.requests(0)).toBe(0);
    expect(breaker.policy.windowMs).toBe(20_000);
  });

  it('keeps an open breaker open across a policy change', () => {
    const breaker = new CircuitBreaker(policy);
    for (let index = 0; index < 4; index += 1) {
      breaker.recordFailure(0, false);
    }
    breaker.setPolicy({ ...policy, openMs: 60_000 });
    expect(breaker.state(4999)).toBe('open');
    expect(breaker.state(5000)).toBe('half-open');
  });
});
