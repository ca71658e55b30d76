import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import type { Clock } from '../../lib/clock.ts';
import { errorClasses } from '../error-class.ts';
import type { AttemptTicket } from './attempt-ticket.ts';
import { defaultRetryPolicy } from './backoff-delay.ts';
import { defaultBreakerPolicy } from './circuit-breaker.ts';
import { DeploymentHealth, type HealthPolicies } from './deployment-health.ts';
import { failureEffect } from './failure-effect.ts';

const policies: HealthPolicies = {
  breaker: { windowMs: 10_000, minRequests: 3, failureRate: 0.5, openMs: 5000, halfOpenProbes: 1 },
  retries: { budgetRatio: 0.5, minRetriesPerSecond: 0 },
  cooldownMs: 2000,
};

/** A clock whose wall time runs a fixed distance ahead of its monotonic time, like a real one. */
function offsetClock(monotonic: ManualClock, offsetMs: number): Clock {
  return { now: () => monotonic.monotonic() + offsetMs, monotonic: () => monotonic.monotonic() };
}

function healthAt(startMs = 0): { health: DeploymentHealth; clock: ManualClock } {
  const clock = new ManualClock(startMs);
  return { health: new DeploymentHealth('openai/gpt-4o', clock, policies), clock };
}

function begin(
  health: DeploymentHealth,
  nowMs: number,
  tokens = 0,
  isRetry = false,
): AttemptTicket {
  const ticket = health.begin(nowMs, tokens, isRetry);
  if (ticket === undefined) {
    throw new Error(`not admitted at ${nowMs}`);
  }
  return ticket;
}

/** Opens the breaker with `minRequests` server errors at `nowMs`. */
function trip(health: DeploymentHealth, nowMs: number): void {
  for (let index = 0; index < policies.breaker.minRequests; index += 1) {
    const ticket = begin(health, nowMs);
    health.failed(ticket, nowMs, 'server-error');
    health.finished(ticket);
  }
}

describe('DeploymentHealth', () => {
  it('starts idle and available', () => {
    const { health } = healthAt();
    expect(health.availability(0)).toEqual({ available: true });
    expect(health.load(0)).toEqual({
      latencyEwmaMs: undefined,
      inFlight: 0,
      requestsLastMinute: 0,
      tokensLastMinute: 0,
    });
    expect(health.policies).toBe(policies);
  });

  describe('failure classes', () => {
    it.each(errorClasses.map((errorClass) => ({ errorClass, effect: failureEffect(errorClass) })))(
      '$errorClass: $effect',
      ({ errorClass, effect }) => {
        const { health } = healthAt();
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const ticket = health.begin(100, 0);
          if (ticket === undefined) {
            break; // the breaker opened
          }
          health.failed(ticket, 100, errorClass);
          health.finished(ticket);
        }
        const view = health.view(100);
        expect(view.circuit).toBe(effect === 'breaker-failure' ? 'open' : 'closed');
        expect(view.coolingDownUntilMs).toBe(effect === 'cool-down' ? 2100 : undefined);
        expect(view.consecutiveFailures).toBe(effect === 'breaker-failure' ? 3 : 0);
        expect(view.inFlight).toBe(0);
        expect(health.availability(100)).toEqual(
          effect === 'breaker-failure'
            ? { available: false, reason: 'circuit-open', untilMs: 5100 }
            : effect === 'cool-down'
              ? { available: false, reason: 'cooling-down', untilMs: 2100 }
              : { available: true },
        );
      },
    );
  });

  describe('circuit breaker', () => {
    it('refuses attempts while open, changing nothing', () => {
      const { health } = healthAt();
      trip(health, 0);
      const before = health.load(1000);
      expect(health.begin(1000, 50)).toBeUndefined();
      expect(health.load(1000)).toEqual(before);
    });

    it('marks the half-open probe on its ticket and admits one at a time', () => {
      const { health } = healthAt();
      trip(health, 0);
      expect(health.availability(5000)).toEqual({ available: true });
      const probe = begin(health, 5000);
      expect(probe.probe).toBe(true);
      expect(health.begin(5001, 0)).toBeUndefined();
      expect(health.availability(5001)).toEqual({
        available: false,
        reason: 'circuit-open',
        untilMs: 10_000,
      });
      health.succeeded(probe, 5100, 80);
      health.finished(probe);
      expect(health.view(5100).circuit).toBe('closed');
      expect(begin(health, 5100).probe).toBe(false);
    });

    it.each<{ name: string; end: (health: DeploymentHealth, ticket: AttemptTicket) => void }>([
      { name: 'released (the client left)', end: (health, ticket) => health.released(ticket) },
      { name: 'finished without a verdict', end: (health, ticket) => health.finished(ticket) },
      {
        name: 'a request fault',
        end: (health, ticket) => health.failed(ticket, 5050, 'context-length'),
      },
      {
        name: 'rate-limited',
        end: (health, ticket) => health.failed(ticket, 5050, 'rate-limited', 0),
      },
    ])('frees the probe slot when the probe ended as $name', ({ end }) => {
      const { health } = healthAt();
      trip(health, 0);
      const probe = begin(health, 5000);
      end(health, probe);
      expect(health.view(5100).circuit).toBe('half-open');
      expect(begin(health, 5100).probe).toBe(true);
    });

    it('opens again on a failed probe', () => {
      const { health } = healthAt();
      trip(health, 0);
      const probe = begin(health, 5000);
      health.failed(probe, 5200, 'timeout');
      expect(health.availability(5200)).toEqual({
        available: false,
        reason: 'circuit-open',
        untilMs: 10_200,
      });
    });

    it('recovers from a probe that never reports', () => {
      const { health } = healthAt();
      trip(health, 0);
      begin(health, 5000);
      expect(health.begin(9999, 0)).toBeUndefined();
      expect(begin(health, 10_000).probe).toBe(true);
    });
  });

  describe('tickets', () => {
    it('counts in flight from begin to finished, once per ticket', () => {
      const { health } = healthAt();
      const first = begin(health, 0);
      const second = begin(health, 0);
      expect(health.load(0).inFlight).toBe(2);
      health.finished(first);
      health.finished(first);
      expect(health.load(0).inFlight).toBe(1);
      health.succeeded(second, 10, 10);
      expect(health.load(10).inFlight).toBe(1);
      health.finished(second);
      health.finished(second);
      expect(health.load(10).inFlight).toBe(0);
      expect([second.hasVerdict, second.isFinished]).toEqual([true, true]);
    });

    it('takes one verdict per ticket', () => {
      const { health } = healthAt();
      const ticket = begin(health, 0);
      health.failed(ticket, 0, 'server-error');
      health.failed(ticket, 0, 'server-error');
      health.succeeded(ticket, 0, 100);
      health.failed(ticket, 0, 'rate-limited');
      const view = health.view(0);
      expect(view.consecutiveFailures).toBe(1);
      expect(view.latencyEwmaMs).toBeUndefined();
      expect(view.coolingDownUntilMs).toBeUndefined();
      expect(view.errorRate).toBe(1);
    });

    it('ignores a verdict after the attempt finished without one', () => {
      const { health } = healthAt();
      const ticket = begin(health, 0);
      health.finished(ticket);
      health.succeeded(ticket, 0, 100);
      expect(health.view(0).latencyEwmaMs).toBeUndefined();
    });

    it('ignores tickets another health issued', () => {
      const { health, clock } = healthAt();
      const other = new DeploymentHealth('openai/gpt-4o', clock, policies);
      const foreign = begin(other, 0);
      begin(health, 0);
      health.failed(foreign, 0, 'server-error');
      health.finished(foreign);
      expect(health.view(0)).toMatchObject({ inFlight: 1, consecutiveFailures: 0 });
      expect(other.view(0)).toMatchObject({ inFlight: 1, consecutiveFailures: 0 });
    });
  });

  describe('cooldown', () => {
    it('cools down for the Retry-After, else the policy, and a later time wins', () => {
      const { health } = healthAt();
      health.failed(begin(health, 1000), 1000, 'rate-limited', 7000);
      expect(health.availability(1000)).toEqual({
        available: false,
        reason: 'cooling-down',
        untilMs: 8000,
      });
      // A shorter cooldown (policy default, 2 s) does not cut the longer one short.
      health.failed(begin(health, 2000), 2000, 'rate-limited');
      expect(health.availability(7999)).toMatchObject({ untilMs: 8000 });
      health.coolDown(9000);
      expect(health.availability(8500)).toMatchObject({ reason: 'cooling-down', untilMs: 9000 });
      expect(health.availability(9000)).toEqual({ available: true });
    });

    it.each([
      { retryAfterMs: undefined, untilMs: 2000 },
      { retryAfterMs: 0, untilMs: 0 },
      { retryAfterMs: -5, untilMs: 2000 },
      { retryAfterMs: Number.NaN, untilMs: 2000 },
      { retryAfterMs: 86_400_000, untilMs: 3_600_000 },
    ])(
      'cools down until $untilMs for a Retry-After of $retryAfterMs',
      ({ retryAfterMs, untilMs }) => {
        const { health } = healthAt();
        health.failed(begin(health, 0), 0, 'rate-limited', retryAfterMs);
        expect(health.view(0).coolingDownUntilMs).toBe(untilMs > 0 ? untilMs : undefined);
        expect(health.availability(untilMs)).toEqual({ available: true });
      },
    );

    it('still admits attempts while cooling down: planning skips, a waited retry may go', () => {
      const { health } = healthAt();
      health.coolDown(5000);
      expect(health.begin(1000, 0)).toBeDefined();
    });

    it('reports whichever of an open circuit and a cooldown ends later', () => {
      const { health } = healthAt();
      trip(health, 0);
      health.coolDown(3000);
      expect(health.availability(1000)).toMatchObject({ reason: 'circuit-open', untilMs: 5000 });
      health.coolDown(8000);
      expect(health.availability(1000)).toMatchObject({ reason: 'cooling-down', untilMs: 8000 });
      expect(health.availability(5000)).toMatchObject({ reason: 'cooling-down', untilMs: 8000 });
    });
  });

  describe('load', () => {
    it('counts requests and tokens over the last minute, with usage corrections', () => {
      const { health } = healthAt();
      const first = begin(health, 0, 1000);
      begin(health, 30_000, 500);
      health.adjustTokens(31_000, -400);
      expect(health.load(31_000)).toMatchObject({ requestsLastMinute: 2, tokensLastMinute: 1100 });
      health.finished(first);
      expect(health.load(60_000)).toMatchObject({ requestsLastMinute: 1, tokensLastMinute: 100 });
      expect(health.load(91_000)).toMatchObject({ requestsLastMinute: 0, tokensLastMinute: 0 });
    });

    it('never reports negative tokens after a correction outlives its estimate', () => {
      const { health } = healthAt();
      begin(health, 0, 1000);
      health.adjustTokens(59_000, -900);
      expect(health.load(60_000).tokensLastMinute).toBe(0);
      health.adjustTokens(60_000, Number.NaN);
      expect(health.load(60_000).tokensLastMinute).toBe(0);
    });

    it('averages time to first byte of successes only, decaying with a 10 s half-life', () => {
      const { health } = healthAt();
      health.succeeded(begin(health, 0), 0, 200);
      health.failed(begin(health, 5000), 5000, 'timeout');
      expect(health.load(5000).latencyEwmaMs).toBe(200);
      health.succeeded(begin(health, 10_000), 10_000, 400);
      expect(health.load(10_000).latencyEwmaMs).toBeCloseTo(300, 9);
    });

    it('counts retries as requests but not as first attempts of the retry budget', () => {
      const { health } = healthAt();
      for (let index = 0; index < 4; index += 1) {
        begin(health, 0);
      }
      expect([health.tryRetry(0), health.tryRetry(0), health.tryRetry(0)]).toEqual([
        true,
        true,
        false,
      ]);
      begin(health, 0, 0, true);
      begin(health, 0, 0, true);
      expect(health.tryRetry(0)).toBe(false);
      expect(health.load(0).requestsLastMinute).toBe(6);
    });
  });

  describe('view', () => {
    it('shows times as wall-clock and the breaker’s error rate', () => {
      const monotonic = new ManualClock(1000);
      const health = new DeploymentHealth('a', offsetClock(monotonic, 1_700_000_000_000), policies);
      health.failed(begin(health, 1000), 1000, 'rate-limited', 3200);
      health.succeeded(begin(health, 1000, 10), 1000, 120);
      health.failed(begin(health, 1000), 1000, 'server-error');
      health.failed(begin(health, 1000), 1000, 'server-error');
      expect(health.view(1200)).toEqual({
        id: 'a',
        circuit: 'open',
        circuitUntilMs: 1_700_000_006_000,
        coolingDownUntilMs: 1_700_000_004_200,
        latencyEwmaMs: 120,
        inFlight: 4,
        requestsLastMinute: 4,
        tokensLastMinute: 10,
        errorRate: 2 / 3,
        consecutiveFailures: 2,
      });
      expect(health.view(6000)).toMatchObject({ circuit: 'half-open' });
      expect(health.view(6000).circuitUntilMs).toBeUndefined();
      expect(health.view(6000).coolingDownUntilMs).toBeUndefined();
    });

    it('resets consecutive failures on a success', () => {
      const { health } = healthAt();
      health.failed(begin(health, 0), 0, 'connection');
      health.failed(begin(health, 0), 0, 'overloaded');
      expect(health.view(0).consecutiveFailures).toBe(2);
      health.failed(begin(health, 0), 0, 'rejected');
      expect(health.view(0).consecutiveFailures).toBe(2);
      health.succeeded(begin(health, 0), 0, 10);
      expect(health.view(0)).toMatchObject({ consecutiveFailures: 0, errorRate: 2 / 3 });
    });
  });

  it('keeps its state when policies change', () => {
    const { health } = healthAt();
    trip(health, 0);
    health.succeeded(begin(health, 5000), 5000, 90);
    const next: HealthPolicies = {
      breaker: defaultBreakerPolicy,
      retries: defaultRetryPolicy,
      cooldownMs: 10_000,
    };
    health.setPolicies(next);
    expect(health.policies).toBe(next);
    expect(health.load(5000)).toMatchObject({ latencyEwmaMs: 90, requestsLastMinute: 4 });
    health.failed(begin(health, 5000), 5000, 'rate-limited');
    expect(health.availability(5000)).toMatchObject({ untilMs: 15_000 });
  });
});
