import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { CancellationSource, type Cancellation } from '../lib/cancellation.ts';
import { createSeededRandom } from '../lib/random.ts';
import type { TraceAttempt } from './decision-trace.ts';
import type { Deployment } from './deployment.ts';
import { defaultFallbackClasses, type ErrorClass } from './error-class.ts';
import {
  executePlan,
  PlanFailedError,
  type Attempt,
  type AttemptHealth,
  type PlanResult,
} from './execute-plan.ts';
import type { AttemptTicket } from './health/attempt-ticket.ts';
import { defaultRetryPolicy, type RetryPolicy } from './health/backoff-delay.ts';
import { defaultBreakerPolicy } from './health/circuit-breaker.ts';
import {
  DeploymentHealth,
  defaultHealthPolicies,
  type HealthPolicies,
} from './health/deployment-health.ts';
import type { ModelGroup } from './model-group.ts';
import type { PlannedAttempt } from './plan-route.ts';
import { getStrategy } from './strategies/strategy-registry.ts';

// ---------------------------------------------------------------------------------------------
// Plans

function deployment(id: string, fields: Partial<Deployment> = {}): Deployment {
  return {
    id,
    providerId: `provider-${id}`,
    upstreamModel: `model-${id}`,
    region: undefined,
    tags: [],
    weight: 1,
    priority: 0,
    rpm: undefined,
    tpm: undefined,
    contextWindow: undefined,
    maxOutputTokens: undefined,
    price: undefined,
    vision: undefined,
    tools: undefined,
    jsonSchema: undefined,
    timeouts: { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined },
    ...fields,
  };
}

const retries: RetryPolicy = { ...defaultRetryPolicy, maxRetries: 2 };

function group(
  fields: Partial<Omit<ModelGroup, 'fallbackOn'>> & { fallbackOn?: readonly ErrorClass[] } = {},
): ModelGroup {
  return {
    alias: 'main',
    strategy: getStrategy('priority'),
    members: [],
    rules: [],
    canary: undefined,
    fallbacks: [],
    retries,
    direct: false,
    sequence: 0,
    ...fields,
    fallbackOn: new Set(fields.fallbackOn ?? defaultFallbackClasses),
  };
}

const mainGroup = group();

/** A plan of deployments with these ids (or deployments), all governed by `governing`. */
function planOf(
  targets: readonly (string | Deployment)[],
  governing: ModelGroup = mainGroup,
): PlannedAttempt[] {
  return targets.map((entry) => ({
    deployment: typeof entry === 'string' ? deployment(entry) : entry,
    group: governing,
  }));
}

// ---------------------------------------------------------------------------------------------
// The scripted attempt, health and wait

/** What one call of a deployment does: succeed, fail with a code, or fail with details. */
type Step =
  | 'ok'
  | ErrorCode
  | { readonly code: ErrorCode; readonly retryAfterSeconds?: number; readonly status?: number }
  | { readonly thrown: Error };

/** How long every scripted attempt takes on the manual clock. */
const attemptMs = 10;

interface Harness {
  readonly clock: ManualClock;
  readonly client: CancellationSource;
  /** Every call of the attempt function, by deployment id. */
  readonly calls: string[];
  /** Every delay waited, ms. */
  readonly delays: number[];
  /** What the executor reported to health, in order. */
  readonly events: string[];
  readonly health: (id: string) => DeploymentHealth;
  readonly run: (plan: readonly PlannedAttempt[]) => Promise<Outcome>;
}

type Outcome =
  | { readonly ok: true; readonly result: PlanResult<string> }
  | { readonly ok: false; readonly error: PlanFailedError };

interface HarnessOptions {
  readonly policies?: HealthPolicies;
  readonly seed?: number;
  /** Runs during each wait (say, to cancel the request). */
  readonly onWait?: (harness: Harness) => void;
  readonly estimatedTokens?: number;
  /** Replaces the scripted attempt (for real-timer tests). */
  readonly attempt?: Attempt<string>;
}

function stepError(step: Exclude<Step, 'ok'>): Error {
  if (typeof step === 'string') {
    return new GatewayError(step);
  }
  if ('thrown' in step) {
    return step.thrown;
  }
  return new GatewayError(step.code, {
    ...(step.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: step.retryAfterSeconds }),
    ...(step.status === undefined ? {} : { upstreamStatus: step.status }),
  });
}

/** Real `DeploymentHealth` per deployment id, behind the adapter shape of route-model-request. */
function recordingHealth(health: DeploymentHealth, events: string[]): AttemptHealth {
  const id = health.id;
  return {
    begin: (nowMs, tokens, isRetry) => {
      const ticket = health.begin(nowMs, tokens, isRetry);
      events.push(`${id} begin${isRetry ? ' retry' : ''}${ticket === undefined ? ' refused' : ''}`);
      return ticket;
    },
    succeeded: (ticket, nowMs, latencyMs) => {
      events.push(`${id} succeeded ${latencyMs}ms`);
      health.succeeded(ticket as AttemptTicket, nowMs, latencyMs);
    },
    failed: (ticket, nowMs, errorClass, retryAfterMs) => {
      events.push(
        `${id} failed ${errorClass}${retryAfterMs === undefined ? '' : ` retry-after ${retryAfterMs}`}`,
      );
      health.failed(ticket as AttemptTicket, nowMs, errorClass, retryAfterMs);
    },
    finished: (ticket, _nowMs, actualTokens) => {
      events.push(`${id} finished${actualTokens === undefined ? '' : ` ${actualTokens} tokens`}`);
      health.finished(ticket as AttemptTicket);
    },
    tryRetry: (nowMs) => {
      const allowed = health.tryRetry(nowMs);
      events.push(`${id} retry ${allowed ? 'allowed' : 'refused'}`);
      return allowed;
    },
  };
}

function harness(
  script: Readonly<Record<string, readonly Step[]>>,
  options: HarnessOptions = {},
): Harness {
  const clock = new ManualClock(1_000_000);
  const client = new CancellationSource();
  const calls: string[] = [];
  const delays: number[] = [];
  const events: string[] = [];
  const healths = new Map<string, DeploymentHealth>();
  const health = (id: string): DeploymentHealth => {
    let found = healths.get(id);
    if (found === undefined) {
      found = new DeploymentHealth(id, clock, options.policies ?? defaultHealthPolicies);
      healths.set(id, found);
    }
    return found;
  };
  const scripted: Attempt<string> = (target) => {
    const steps = script[target.id] ?? ['ok'];
    const index = calls.filter((id) => id === target.id).length;
    calls.push(target.id);
    clock.advance(attemptMs);
    // The last step repeats.
    const step = steps[Math.min(index, steps.length - 1)] ?? 'ok';
    return step === 'ok'
      ? Promise.resolve(`${target.id}#${index}`)
      : Promise.reject(stepError(step));
  };
  const self: Harness = {
    clock,
    client,
    calls,
    delays,
    events,
    health,
    run: async (plan) => {
      try {
        const result = await executePlan(
          plan,
          options.attempt ?? scripted,
          {
            health: (target) => recordingHealth(health(target.id), events),
            clock,
            random: createSeededRandom(options.seed ?? 1),
            wait: (ms: number) => {
              delays.push(ms);
              clock.advance(ms);
              options.onWait?.(self);
              return Promise.resolve();
            },
          },
          client,
          options.estimatedTokens ?? 100,
        );
        return { ok: true, result };
      } catch (error) {
        if (error instanceof PlanFailedError) {
          return { ok: false, error };
        }
        throw error;
      }
    },
  };
  return self;
}

/** The attempts of an outcome as `<deployment>#<retry> <outcome> <class>`, for compact tables. */
function brief(outcome: Outcome): string[] {
  const attempts = outcome.ok ? outcome.result.attempts : outcome.error.attempts;
  return attempts.map(
    (attempt) =>
      `${attempt.deployment}#${attempt.retry} ${attempt.outcome}${attempt.errorClass === undefined ? '' : ` ${attempt.errorClass}`}`,
  );
}

function failed(outcome: Outcome): PlanFailedError {
  if (outcome.ok) {
    throw new Error(`expected the plan to fail; ${outcome.result.served.deployment.id} served it`);
  }
  return outcome.error;
}

function served(outcome: Outcome): PlanResult<string> {
  if (!outcome.ok) {
    throw new Error(`expected the plan to succeed; it failed with ${outcome.error.lastError.code}`);
  }
  return outcome.result;
}

// ---------------------------------------------------------------------------------------------

describe('executePlan: per error class', () => {
  it.each<{ code: ErrorCode; errorClass: ErrorClass; retried: boolean; fallsBack: boolean }>([
    {
      code: 'SB_ERR_UPSTREAM_RATE_LIMITED',
      errorClass: 'rate-limited',
      retried: true,
      fallsBack: true,
    },
    {
      code: 'SB_ERR_UPSTREAM_OVERLOADED',
      errorClass: 'overloaded',
      retried: true,
      fallsBack: true,
    },
    { code: 'SB_ERR_UPSTREAM_ERROR', errorClass: 'server-error', retried: true, fallsBack: true },
    { code: 'SB_ERR_UPSTREAM_TIMEOUT', errorClass: 'timeout', retried: true, fallsBack: true },
    {
      code: 'SB_ERR_UPSTREAM_CONNECTION',
      errorClass: 'connection',
      retried: true,
      fallsBack: true,
    },
    { code: 'SB_ERR_UPSTREAM_AUTH', errorClass: 'auth', retried: false, fallsBack: true },
    {
      code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE',
      errorClass: 'invalid-response',
      retried: false,
      fallsBack: true,
    },
    {
      code: 'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      errorClass: 'unsupported',
      retried: false,
      fallsBack: true,
    },
    {
      code: 'SB_ERR_UPSTREAM_CONTEXT_LENGTH',
      errorClass: 'context-length',
      retried: false,
      fallsBack: true,
    },
    {
      code: 'SB_ERR_UPSTREAM_CONTENT_POLICY',
      errorClass: 'content-policy',
      retried: false,
      fallsBack: false,
    },
    {
      code: 'SB_ERR_UPSTREAM_REJECTED_REQUEST',
      errorClass: 'rejected',
      retried: false,
      fallsBack: false,
    },
    { code: 'SB_ERR_CLIENT_CLOSED', errorClass: 'client-closed', retried: false, fallsBack: false },
    { code: 'SB_ERR_INTERNAL', errorClass: 'internal', retried: false, fallsBack: false },
  ])(
    '$code: retried $retried, falls back $fallsBack',
    async ({ code, errorClass, retried, fallsBack }) => {
      const test = harness({ a: [code], b: ['ok'] });
      const outcome = await test.run(planOf(['a', 'b']));
      const onA = retried
        ? [`a#0 failure ${errorClass}`, `a#1 failure ${errorClass}`, `a#2 failure ${errorClass}`]
        : [`a#0 failure ${errorClass}`];
      expect(brief(outcome)).toEqual(fallsBack ? [...onA, 'b#0 success'] : onA);
      expect(test.calls).toEqual([...onA.map(() => 'a'), ...(fallsBack ? ['b'] : [])]);
      expect(test.delays).toHaveLength(retried ? 2 : 0);
      if (fallsBack) {
        expect(served(outcome).value).toBe('b#0');
        expect(served(outcome).served.deployment.id).toBe('b');
      } else {
        expect(failed(outcome).lastError.code).toBe(code);
      }
    },
  );

  it('treats a thrown non-gateway error as internal: no retry, no fallback', async () => {
    const test = harness({ a: [{ thrown: new TypeError('bug') }] });
    const error = failed(await test.run(planOf(['a', 'b'])));
    expect(error.lastError.code).toBe('SB_ERR_INTERNAL');
    expect(test.calls).toEqual(['a']);
  });

  it('stops retrying as soon as a retry succeeds', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR', 'ok'] });
    const result = served(await test.run(planOf(['a', 'b'])));
    expect(result.value).toBe('a#1');
    expect(brief(await Promise.resolve({ ok: true, result } as const))).toEqual([
      'a#0 failure server-error',
      'a#1 success',
    ]);
  });

  it.each([0, 1, 3, 5])(
    'retries at most maxRetries (%i) times on one deployment',
    async (maxRetries) => {
      const test = harness({ a: ['SB_ERR_UPSTREAM_OVERLOADED'] });
      const outcome = await test.run(planOf(['a'], group({ retries: { ...retries, maxRetries } })));
      expect(test.calls).toHaveLength(maxRetries + 1);
      expect(failed(outcome).attempts.map((attempt) => attempt.retry)).toEqual(
        Array.from({ length: maxRetries + 1 }, (_, index) => index),
      );
      expect(test.delays).toHaveLength(maxRetries);
    },
  );

  it("uses the retry policy of each deployment's own group", async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR'], b: ['SB_ERR_UPSTREAM_ERROR'] });
    const plan = [
      ...planOf(['a'], group({ retries: { ...retries, maxRetries: 0 } })),
      ...planOf(['b'], group({ retries: { ...retries, maxRetries: 1 } })),
    ];
    expect(brief(await test.run(plan))).toEqual([
      'a#0 failure server-error',
      'b#0 failure server-error',
      'b#1 failure server-error',
    ]);
  });
});

describe('executePlan: backoff', () => {
  const policy: RetryPolicy = {
    ...defaultRetryPolicy,
    maxRetries: 5,
    initialDelayMs: 100,
    maxDelayMs: 1000,
  };
  const caps = [100, 200, 400, 800, 1000];

  it.each([1, 2, 3, 17, 99, 12_345])(
    'waits with full jitter, uniform below the doubling cap (seed %i)',
    async (seed) => {
      const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR'], b: ['ok'] }, { seed });
      const result = served(await test.run(planOf(['a', 'b'], group({ retries: policy }))));
      expect(test.delays).toHaveLength(5);
      // The executor is the only one drawing from the random, so the draws are predictable.
      const random = createSeededRandom(seed);
      test.delays.forEach((delay, index) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(caps[index]!);
        expect(delay).toBe(random.next() * caps[index]!);
      });
      // Each retry records the pause before it; first tries record none.
      expect(result.attempts.map((attempt) => attempt.delayMs)).toEqual([0, ...test.delays, 0]);
    },
  );

  it('honours a Retry-After within the cap exactly, without jitter', async () => {
    const test = harness({
      a: [{ code: 'SB_ERR_UPSTREAM_RATE_LIMITED', retryAfterSeconds: 2 }, 'ok'],
    });
    const result = served(await test.run(planOf(['a', 'b'])));
    expect(test.delays).toEqual([2000]);
    expect(result.value).toBe('a#1');
    expect(result.attempts.map((attempt) => attempt.delayMs)).toEqual([0, 2000]);
    expect(test.events).toContain('a failed rate-limited retry-after 2000');
  });

  it.each([
    { retryAfterSeconds: 30, capMs: 30_000, waits: [30_000], calls: ['a', 'a'] },
    { retryAfterSeconds: 31, capMs: 30_000, waits: [], calls: ['a', 'b'] },
    { retryAfterSeconds: 0, capMs: 0, waits: [0], calls: ['a', 'a'] },
    { retryAfterSeconds: 1, capMs: 0, waits: [], calls: ['a', 'b'] },
  ])(
    'Retry-After $retryAfterSeconds s with a cap of $capMs ms: waits $waits',
    async ({ retryAfterSeconds, capMs, waits, calls }) => {
      const test = harness({
        a: [{ code: 'SB_ERR_UPSTREAM_OVERLOADED', retryAfterSeconds }, 'ok'],
      });
      await test.run(
        planOf(['a', 'b'], group({ retries: { ...retries, retryAfterCapMs: capMs } })),
      );
      expect(test.delays).toEqual(waits);
      expect(test.calls).toEqual(calls);
    },
  );

  it('cools a rate-limited deployment down for the Retry-After it gave', async () => {
    const test = harness({
      a: [{ code: 'SB_ERR_UPSTREAM_RATE_LIMITED', retryAfterSeconds: 60 }],
    });
    await test.run(planOf(['a', 'b']));
    expect(test.calls).toEqual(['a', 'b']);
    expect(test.health('a').availability(test.clock.monotonic())).toEqual({
      available: false,
      reason: 'cooling-down',
      untilMs: 1_000_000 + attemptMs + 60_000,
    });
  });

  it('falls back without waiting when the retry budget is spent', async () => {
    const test = harness(
      { a: ['SB_ERR_UPSTREAM_ERROR'], b: ['ok'] },
      {
        policies: {
          ...defaultHealthPolicies,
          retries: { budgetRatio: 0, minRetriesPerSecond: 0 },
        },
      },
    );
    const outcome = await test.run(planOf(['a', 'b']));
    expect(brief(outcome)).toEqual(['a#0 failure server-error', 'b#0 success']);
    expect(test.delays).toEqual([]);
    expect(test.events).toContain('a retry refused');
  });

  it('retries only as far as the budget allows, then falls back', async () => {
    // A floor of 0.1 retries a second allows one retry in the 10 s window.
    const test = harness(
      { a: ['SB_ERR_UPSTREAM_ERROR'], b: ['ok'] },
      {
        policies: {
          ...defaultHealthPolicies,
          retries: { budgetRatio: 0, minRetriesPerSecond: 0.1 },
        },
      },
    );
    const outcome = await test.run(
      planOf(['a', 'b'], group({ retries: { ...retries, maxRetries: 4 } })),
    );
    expect(brief(outcome)).toEqual([
      'a#0 failure server-error',
      'a#1 failure server-error',
      'b#0 success',
    ]);
    expect(test.delays).toHaveLength(1);
  });
});

describe('executePlan: fallback policy', () => {
  it('falls back on content-policy when the group lists it', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_CONTENT_POLICY'] });
    const plan = planOf(
      ['a', 'b'],
      group({ fallbackOn: [...defaultFallbackClasses, 'content-policy'] }),
    );
    expect(brief(await test.run(plan))).toEqual(['a#0 failure content-policy', 'b#0 success']);
  });

  it('falls back on rejected when the group lists it', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_REJECTED_REQUEST'] });
    const plan = planOf(['a', 'b'], group({ fallbackOn: ['rejected'] }));
    expect(brief(await test.run(plan))).toEqual(['a#0 failure rejected', 'b#0 success']);
  });

  it("always moves on after a cascade's rejected answer, without retrying it", async () => {
    const test = harness({ a: ['SB_ERR_CASCADE_REJECTED'] });
    const plan = planOf(['a', 'b'], group({ fallbackOn: [] }));
    expect(brief(await test.run(plan))).toEqual(['a#0 failure cascade-rejected', 'b#0 success']);
  });

  it('retries but does not fall back on a class the group leaves out', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR'] });
    const outcome = await test.run(planOf(['a', 'b'], group({ fallbackOn: ['timeout'] })));
    expect(brief(outcome)).toEqual([
      'a#0 failure server-error',
      'a#1 failure server-error',
      'a#2 failure server-error',
    ]);
    expect(failed(outcome).lastError.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it("follows the failed deployment's group, not the next one's", async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_AUTH'], b: ['SB_ERR_UPSTREAM_AUTH'] });
    const plan = [
      ...planOf(['a'], group({ alias: 'first' })),
      ...planOf(['b'], group({ alias: 'second', fallbackOn: [] })),
      ...planOf(['c'], group({ alias: 'third' })),
    ];
    const outcome = await test.run(plan);
    expect(test.calls).toEqual(['a', 'b']);
    expect(failed(outcome).lastError.code).toBe('SB_ERR_UPSTREAM_AUTH');
  });

  it('reports the last error and every attempt when everything failed', async () => {
    const test = harness({
      a: ['SB_ERR_UPSTREAM_TIMEOUT'],
      b: [{ code: 'SB_ERR_UPSTREAM_ERROR', status: 502 }],
      c: [{ code: 'SB_ERR_UPSTREAM_RATE_LIMITED', status: 429 }],
    });
    const error = failed(
      await test.run(planOf(['a', 'b', 'c'], group({ retries: { ...retries, maxRetries: 0 } }))),
    );
    expect(error).toBeInstanceOf(PlanFailedError);
    expect(error.name).toBe('PlanFailedError');
    expect(error.lastError.code).toBe('SB_ERR_UPSTREAM_RATE_LIMITED');
    expect(error.cause).toBe(error.lastError);
    expect(error.message).toBe(error.lastError.message);
    expect(error.trace).toBeUndefined();
    expect(error.attempts).toEqual<TraceAttempt[]>([
      {
        deployment: 'a',
        provider: 'provider-a',
        model: 'model-a',
        retry: 0,
        outcome: 'failure',
        errorClass: 'timeout',
        errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
        status: undefined,
        durationMs: attemptMs,
        delayMs: 0,
      },
      {
        deployment: 'b',
        provider: 'provider-b',
        model: 'model-b',
        retry: 0,
        outcome: 'failure',
        errorClass: 'server-error',
        errorCode: 'SB_ERR_UPSTREAM_ERROR',
        status: 502,
        durationMs: attemptMs,
        delayMs: 0,
      },
      {
        deployment: 'c',
        provider: 'provider-c',
        model: 'model-c',
        retry: 0,
        outcome: 'failure',
        errorClass: 'rate-limited',
        errorCode: 'SB_ERR_UPSTREAM_RATE_LIMITED',
        status: 429,
        durationMs: attemptMs,
        delayMs: 0,
      },
    ]);
  });

  it('fails an empty plan as unavailable', async () => {
    const error = failed(await harness({}).run([]));
    expect(error.lastError.code).toBe('SB_ERR_ROUTE_UNAVAILABLE');
    expect(error.attempts).toEqual([]);
  });
});

describe('executePlan: context length', () => {
  it.each([
    {
      name: 'skips deployments whose window is no larger than the failed one',
      windows: { a: 8000, b: 8000, c: 4000, d: 16_000 },
      script: { a: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'] },
      calls: ['a', 'd'],
    },
    {
      name: 'tries a deployment whose window is unknown',
      windows: { a: 8000, b: 4000, c: undefined, d: 16_000 },
      script: { a: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'] },
      calls: ['a', 'c'],
    },
    {
      name: 'keeps the largest failed window across several failures',
      windows: { a: 8000, b: undefined, c: 8000, d: 128_000 },
      script: { a: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'], b: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'] },
      calls: ['a', 'b', 'd'],
    },
    {
      name: 'skips nothing after a failure of a deployment with an unknown window',
      windows: { a: undefined, b: 1000, c: 2000, d: 3000 },
      script: { a: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'] },
      calls: ['a', 'b'],
    },
    {
      name: 'skips nothing after other failures',
      windows: { a: 8000, b: 4000, c: 16_000, d: 3000 },
      script: { a: ['SB_ERR_UPSTREAM_AUTH'] },
      calls: ['a', 'b'],
    },
  ] satisfies {
    name: string;
    windows: Record<string, number | undefined>;
    script: Record<string, Step[]>;
    calls: string[];
  }[])('$name', async ({ windows, script, calls }) => {
    const test = harness(script);
    const plan = planOf(
      Object.entries(windows).map(([id, contextWindow]) => deployment(id, { contextWindow })),
    );
    await test.run(plan);
    expect(test.calls).toEqual(calls);
  });

  it('fails with the context-length error when no larger window is left', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_CONTEXT_LENGTH'] });
    const plan = planOf([
      deployment('a', { contextWindow: 8000 }),
      deployment('b', { contextWindow: 4000 }),
    ]);
    const error = failed(await test.run(plan));
    expect(error.lastError.code).toBe('SB_ERR_UPSTREAM_CONTEXT_LENGTH');
    // Skipped for its window, b is not an attempt.
    expect(brief({ ok: false, error })).toEqual(['a#0 failure context-length']);
  });
});

describe('executePlan: circuit breakers', () => {
  const sensitive: HealthPolicies = {
    ...defaultHealthPolicies,
    breaker: { ...defaultBreakerPolicy, minRequests: 1, failureRate: 0.5 },
  };

  it("records a 'skipped' attempt when the breaker refuses, and moves on", async () => {
    const test = harness({}, { policies: sensitive });
    // Open a's breaker before the plan runs (it opened after planning).
    const health = test.health('a');
    const ticket = health.begin(test.clock.monotonic(), 0);
    health.failed(ticket!, test.clock.monotonic(), 'server-error');
    const outcome = await test.run(planOf(['a', 'b']));
    expect(test.calls).toEqual(['b']);
    expect(served(outcome).attempts[0]).toEqual<TraceAttempt>({
      deployment: 'a',
      provider: 'provider-a',
      model: 'model-a',
      retry: 0,
      outcome: 'skipped',
      errorClass: undefined,
      errorCode: undefined,
      status: undefined,
      durationMs: 0,
      delayMs: 0,
    });
    expect(brief(outcome)).toEqual(['a#0 skipped', 'b#0 success']);
  });

  it('moves on when the breaker opened by a failure refuses the retry', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR'] }, { policies: sensitive });
    const outcome = await test.run(planOf(['a', 'b']));
    expect(brief(outcome)).toEqual(['a#0 failure server-error', 'a#1 skipped', 'b#0 success']);
    const skipped = served(outcome).attempts[1];
    expect(skipped?.delayMs).toBe(test.delays[0]);
    expect(test.events.slice(0, 5)).toEqual([
      'a begin',
      'a failed server-error',
      'a finished',
      'a retry allowed',
      'a begin retry refused',
    ]);
  });

  it('fails as unavailable when every breaker refuses', async () => {
    const test = harness({}, { policies: sensitive });
    for (const id of ['a', 'b']) {
      const health = test.health(id);
      health.failed(health.begin(test.clock.monotonic(), 0)!, test.clock.monotonic(), 'timeout');
    }
    const error = failed(await test.run(planOf(['a', 'b'])));
    expect(error.lastError.code).toBe('SB_ERR_ROUTE_UNAVAILABLE');
    expect(brief({ ok: false, error })).toEqual(['a#0 skipped', 'b#0 skipped']);
  });
});

describe('executePlan: client cancellation', () => {
  it('stops at once when the client closed', async () => {
    const test = harness({ a: ['SB_ERR_CLIENT_CLOSED'] });
    const error = failed(await test.run(planOf(['a', 'b'])));
    expect(error.lastError.code).toBe('SB_ERR_CLIENT_CLOSED');
    expect(test.calls).toEqual(['a']);
    expect(test.delays).toEqual([]);
  });

  it('stops without retrying when the request was cancelled during a retryable failure', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR'] });
    test.client.cancel();
    const error = failed(await test.run(planOf(['a', 'b'])));
    expect(error.lastError.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(test.calls).toEqual(['a']);
  });

  it('stops when the client leaves during a backoff pause', async () => {
    const test = harness(
      { a: ['SB_ERR_UPSTREAM_OVERLOADED'] },
      {
        onWait: (self) => {
          self.client.cancel();
        },
      },
    );
    const error = failed(await test.run(planOf(['a', 'b'])));
    expect(error.lastError.code).toBe('SB_ERR_CLIENT_CLOSED');
    expect(test.calls).toEqual(['a']);
    expect(brief({ ok: false, error })).toEqual(['a#0 failure overloaded']);
  });
});

describe('executePlan: health reports', () => {
  it('reports every attempt to the health of its deployment', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR', 'ok'] });
    const result = served(await test.run(planOf(['a'])));
    expect(test.events).toEqual([
      'a begin',
      'a failed server-error',
      'a finished',
      'a retry allowed',
      'a begin retry',
    ]);
    // The served attempt stays in flight, and its verdict waits, until the exchange is settled.
    expect(test.health('a').load(test.clock.monotonic()).inFlight).toBe(1);
    result.settle({ failed: undefined, totalTokens: 321 });
    expect(test.events.slice(-2)).toEqual([`a succeeded ${attemptMs}ms`, 'a finished 321 tokens']);
    expect(test.health('a').load(test.clock.monotonic()).inFlight).toBe(0);
  });

  it('counts the estimated tokens of every try', async () => {
    const test = harness({ a: ['SB_ERR_UPSTREAM_ERROR', 'ok'] }, { estimatedTokens: 250 });
    await test.run(planOf(['a']));
    expect(test.health('a').load(test.clock.monotonic())).toMatchObject({
      requestsLastMinute: 2,
      tokensLastMinute: 500,
    });
  });

  it('settles once, however often settle is called', async () => {
    const test = harness({ a: ['ok'] });
    const result = served(await test.run(planOf(['a'])));
    result.settle({ failed: undefined, totalTokens: 10 });
    result.settle({ failed: undefined, totalTokens: 20 });
    result.settle({ failed: new GatewayError('SB_ERR_UPSTREAM_ERROR'), totalTokens: 30 });
    expect(test.events.filter((event) => event.includes('finished'))).toEqual([
      'a finished 10 tokens',
    ]);
    expect(test.events.filter((event) => event.includes('failed'))).toEqual([]);
  });

  it('reports a stream failure after the commit point to health', async () => {
    const test = harness({ a: ['ok'] });
    const result = served(await test.run(planOf(['a'])));
    result.settle({
      failed: new GatewayError('SB_ERR_UPSTREAM_CONNECTION'),
      totalTokens: undefined,
    });
    expect(test.events.slice(-2)).toEqual(['a failed connection', 'a finished']);
  });

  it('neither blames nor credits the deployment when the client left mid-stream', async () => {
    const test = harness({ a: ['ok'] });
    const result = served(await test.run(planOf(['a'])));
    result.settle({ failed: new GatewayError('SB_ERR_CLIENT_CLOSED'), totalTokens: 5 });
    expect(test.events.slice(-2)).toEqual(['a begin', 'a finished 5 tokens']);
  });
});

describe('executePlan: first-token deadline', () => {
  /** An attempt that answers after `ms` (real time) unless cancelled first, then rejects. */
  function slowAttempt(
    answerAfterMs: Readonly<Record<string, number>>,
    seen: Map<string, Cancellation>,
  ): Attempt<string> {
    return (target, cancellation) => {
      seen.set(target.id, cancellation);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          resolve(`${target.id} answered`);
        }, answerAfterMs[target.id] ?? 0);
        cancellation.subscribe(() => {
          clearTimeout(timer);
          reject(new GatewayError('SB_ERR_CLIENT_CLOSED', { internalDetail: 'cancelled' }));
        });
      });
    };
  }

  const noRetries = group({ retries: { ...retries, maxRetries: 0 } });

  it('turns a slow first token into an upstream timeout and cancels the attempt', async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ slow: 2000, fast: 1 }, seen) });
    const plan = planOf(
      [
        deployment('slow', {
          timeouts: { firstTokenMs: 20, idleMs: undefined, totalMs: undefined },
        }),
        'fast',
      ],
      noRetries,
    );
    const started = performance.now();
    const result = served(await test.run(plan));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.value).toBe('fast answered');
    expect(result.attempts[0]).toMatchObject({
      deployment: 'slow',
      outcome: 'failure',
      errorClass: 'timeout',
      errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    });
    expect(seen.get('slow')?.cancelled).toBe(true);
    expect(test.client.cancelled).toBe(false);
    expect(test.events).toContain('slow failed timeout');
  });

  it('retries a first-token timeout like any timeout', async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ slow: 2000 }, seen) });
    const plan = planOf(
      [
        deployment('slow', {
          timeouts: { firstTokenMs: 15, idleMs: undefined, totalMs: undefined },
        }),
      ],
      group({ retries: { ...retries, maxRetries: 1 } }),
    );
    const error = failed(await test.run(plan));
    expect(error.lastError.code).toBe('SB_ERR_UPSTREAM_TIMEOUT');
    expect(brief({ ok: false, error })).toEqual([
      'slow#0 failure timeout',
      'slow#1 failure timeout',
    ]);
  });

  it('leaves an answer within the deadline alone, and the deadline does not fire later', async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ quick: 1 }, seen) });
    const plan = planOf(
      [
        deployment('quick', {
          timeouts: { firstTokenMs: 20, idleMs: undefined, totalMs: undefined },
        }),
      ],
      noRetries,
    );
    const result = served(await test.run(plan));
    expect(result.value).toBe('quick answered');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(seen.get('quick')?.cancelled).toBe(false);
  });

  it("keeps passing the client's cancellation to a served attempt (its stream still listens)", async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ quick: 1 }, seen) });
    const plan = planOf(
      [
        deployment('quick', {
          timeouts: { firstTokenMs: 50, idleMs: undefined, totalMs: undefined },
        }),
      ],
      noRetries,
    );
    served(await test.run(plan));
    test.client.cancel();
    expect(seen.get('quick')?.cancelled).toBe(true);
  });

  it('reports a client that left during a deadline as gone, not as a timeout', async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ slow: 2000 }, seen) });
    const plan = planOf(
      [
        deployment('slow', {
          timeouts: { firstTokenMs: 500, idleMs: undefined, totalMs: undefined },
        }),
        'fast',
      ],
      noRetries,
    );
    setTimeout(() => {
      test.client.cancel();
    }, 10);
    const error = failed(await test.run(plan));
    expect(error.lastError.code).toBe('SB_ERR_CLIENT_CLOSED');
    expect(seen.get('slow')?.cancelled).toBe(true);
    expect(seen.has('fast')).toBe(false);
  });

  it('hands the client cancellation itself to an attempt without a deadline', async () => {
    const seen = new Map<string, Cancellation>();
    const test = harness({}, { attempt: slowAttempt({ plain: 1 }, seen) });
    served(await test.run(planOf(['plain'], noRetries)));
    expect(seen.get('plain')).toBe(test.client);
  });
});
