import type { Usage } from '../canonical/usage.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import { CancellationSource, type Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import type { Random } from '../lib/random.ts';
import type { AttemptTrace } from '../lib/request-trace.ts';
import type { DiscardedAnswer } from './cascade/cascade-run.ts';
import type { DecisionTrace, TraceAttempt } from './decision-trace.ts';
import type { Deployment } from './deployment.ts';
import { classifyError, isRetryable, type ErrorClass } from './error-class.ts';
import { backoffDelayMs } from './health/backoff-delay.ts';
import type { PlannedAttempt } from './plan-route.ts';

/** One deployment's health as the executor reports to it (the health registry in production). */
export interface AttemptHealth {
  /** Admits an attempt; undefined when the circuit refuses it (it opened since planning). */
  begin(nowMs: number, estimatedTokens: number, isRetry: boolean): unknown;
  succeeded(ticket: unknown, nowMs: number, latencyMs: number): void;
  failed(ticket: unknown, nowMs: number, errorClass: ErrorClass, retryAfterMs?: number): void;
  /** The exchange is over (for streams, when the body ended); frees its in-flight slot. */
  finished(ticket: unknown, nowMs: number, actualTokens: number | undefined): void;
  /** Takes one retry from the deployment's retry budget; false when the budget is spent. */
  tryRetry(nowMs: number): boolean;
}

export interface ExecutionEnvironment {
  readonly health: (deployment: Deployment) => AttemptHealth;
  readonly clock: Clock;
  readonly random: Random;
  /** Waits `ms`, or less if `cancellation` fires first. */
  readonly wait: (ms: number, cancellation: Cancellation) => Promise<void>;
  /**
   * Checks the gateway's own limits on a deployment before it is tried (deployment rate and
   * concurrency limits). A refused deployment is skipped like one whose circuit is open: no
   * health is recorded against it and the plan goes on to the next.
   */
  readonly admitDeployment?: (deployment: Deployment) => Promise<DeploymentAdmission>;
  /**
   * Starts the trace span of an attempt about to be sent (absent when tracing is off). Its
   * `traceparent` is handed to the attempt; the span ends with the attempt's failure or, for the
   * attempt that serves, when its exchange is settled.
   */
  readonly traceAttempt?: (deployment: Deployment, position: number, retry: number) => AttemptTrace;
}

/** The answer of {@link ExecutionEnvironment.admitDeployment}. */
export type DeploymentAdmission =
  | {
      readonly admitted: true;
      /** Called once when the deployment is done with: its actual tokens, or undefined. */
      readonly release: (actualTokens: number | undefined) => void;
    }
  | { readonly admitted: false; readonly error: GatewayError };

/** How the exchange of a successful attempt ended, reported back to health and load. */
export interface AttemptSettlement {
  readonly failed: GatewayError | undefined;
  readonly totalTokens: number | undefined;
  /** The usage the provider reported, when the exchange is over; undefined when none came. */
  readonly usage?: Usage | undefined;
  /** True when the client left before the answer ended. */
  readonly clientClosed?: boolean;
  /** False when the exchange was cut off before the provider's final usage count. */
  readonly usageFinal?: boolean;
}

export interface PlanResult<T> {
  readonly value: T;
  readonly served: PlannedAttempt;
  readonly attempts: readonly TraceAttempt[];
  /** Call once when the served exchange is over (at once for complete answers). */
  readonly settle: (settlement: AttemptSettlement) => void;
}

/** Thrown when no attempt succeeded; carries every attempt and reports the last one's error. */
export class PlanFailedError extends Error {
  readonly lastError: GatewayError;
  readonly attempts: readonly TraceAttempt[];
  /** The plan's decision trace, once the router has attached it. */
  readonly trace: DecisionTrace | undefined;
  /** Answers paid for but not served (a cascade's rejected tiers): still charged. */
  readonly discarded: readonly DiscardedAnswer[];

  constructor(
    lastError: GatewayError,
    attempts: readonly TraceAttempt[],
    trace?: DecisionTrace,
    discarded: readonly DiscardedAnswer[] = [],
  ) {
    super(lastError.message, { cause: lastError });
    this.name = 'PlanFailedError';
    this.lastError = lastError;
    this.attempts = attempts;
    this.trace = trace;
    this.discarded = discarded;
  }
}

/**
 * An attempt: sends the request to a deployment; must throw before anything reached the client.
 * `traceparent`, when tracing is on, is the W3C trace context to send upstream.
 */
export type Attempt<T> = (
  deployment: Deployment,
  cancellation: Cancellation,
  traceparent?: string,
) => Promise<T>;

/**
 * Runs one attempt with the deployment's first-token timeout: if no answer (for streams, no first
 * content) arrives in time, the attempt is cancelled and fails as an upstream timeout.
 */
async function attemptWithDeadline<T>(
  attempt: Attempt<T>,
  deployment: Deployment,
  clientCancellation: Cancellation,
  traceparent: string | undefined,
): Promise<T> {
  const deadlineMs = deployment.timeouts.firstTokenMs;
  if (deadlineMs === undefined) {
    return attempt(deployment, clientCancellation, traceparent);
  }
  const source = new CancellationSource();
  const unsubscribe = clientCancellation.subscribe(() => source.cancel());
  const deadline = { passed: false };
  const timer = setTimeout(() => {
    deadline.passed = true;
    source.cancel();
  }, deadlineMs);
  try {
    return await attempt(deployment, source, traceparent);
  } catch (error) {
    if (deadline.passed && !clientCancellation.cancelled) {
      unsubscribe();
      throw new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
        internalDetail: `deployment ${deployment.id}: no first token within ${deadlineMs} ms`,
        cause: error,
      });
    }
    unsubscribe();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a plan: each deployment in order; on a retryable failure, the same deployment again after
 * a backoff with full jitter (or the provider's Retry-After, up to a cap), within the retry
 * budget; then the next deployment when the failure's class is one the group falls back on.
 * After a context-length failure only deployments with a larger (or unknown) window are tried.
 * `attempt` must not have sent anything to the client when it throws; that is what makes
 * retrying and falling back safe. Throws `PlanFailedError` with every attempt recorded.
 */
export async function executePlan<T>(
  plan: readonly PlannedAttempt[],
  attempt: Attempt<T>,
  environment: ExecutionEnvironment,
  cancellation: Cancellation,
  estimatedTokens: number,
): Promise<PlanResult<T>> {
  const attempts: TraceAttempt[] = [];
  let lastError: GatewayError | undefined;
  /** The gateway's own refusal with the soonest retry, when a limit skipped a deployment. */
  let limited: GatewayError | undefined;
  let tooSmallWindow: number | undefined;
  const clock = environment.clock;
  for (const planned of plan) {
    const { deployment, group } = planned;
    if (
      tooSmallWindow !== undefined &&
      deployment.contextWindow !== undefined &&
      deployment.contextWindow <= tooSmallWindow
    ) {
      continue;
    }
    let release: (actualTokens: number | undefined) => void = () => undefined;
    if (environment.admitDeployment !== undefined) {
      const admission = await environment.admitDeployment(deployment);
      if (!admission.admitted) {
        attempts.push({
          deployment: deployment.id,
          provider: deployment.providerId,
          model: deployment.upstreamModel,
          retry: 0,
          outcome: 'skipped',
          errorClass: undefined,
          errorCode: admission.error.code,
          status: undefined,
          durationMs: 0,
          delayMs: 0,
        });
        if (
          limited === undefined ||
          (admission.error.retryAfterSeconds ?? Infinity) < (limited.retryAfterSeconds ?? Infinity)
        ) {
          limited = admission.error;
        }
        continue;
      }
      release = admission.release;
    }
    const health = environment.health(deployment);
    let delayMs = 0;
    let errorClass: ErrorClass | undefined;
    let served = false;
    try {
      for (let retry = 0; retry <= group.retries.maxRetries; retry += 1) {
        const ticket = health.begin(clock.monotonic(), estimatedTokens, retry > 0);
        const record = (
          outcome: TraceAttempt['outcome'],
          error: GatewayError | undefined,
          durationMs: number,
        ) => {
          attempts.push({
            deployment: deployment.id,
            provider: deployment.providerId,
            model: deployment.upstreamModel,
            retry,
            outcome,
            errorClass: error === undefined ? undefined : classifyError(error),
            errorCode: error?.code,
            status: error?.upstreamStatus,
            durationMs,
            delayMs,
          });
        };
        if (ticket === undefined) {
          // The circuit opened since planning. A refused retry keeps the class of the failure
          // before it, so the group's fallback policy still decides what follows.
          record('skipped', undefined, 0);
          break;
        }
        const trace = environment.traceAttempt?.(deployment, attempts.length + 1, retry);
        const startedAt = clock.monotonic();
        try {
          const value = await attemptWithDeadline(
            attempt,
            deployment,
            cancellation,
            trace?.traceparent,
          );
          const durationMs = clock.monotonic() - startedAt;
          record('success', undefined, durationMs);
          served = true;
          let settled = false;
          return {
            value,
            served: planned,
            attempts,
            settle: (settlement) => {
              if (settled) {
                return;
              }
              settled = true;
              // The verdict waits for the end of the exchange: a stream that fails after its first
              // byte is a failure of the deployment (and a half-open probe is judged on the whole
              // exchange). The latency is still the time to the first byte.
              const failedClass =
                settlement.failed === undefined ? undefined : classifyError(settlement.failed);
              if (failedClass === undefined) {
                health.succeeded(ticket, clock.monotonic(), durationMs);
              } else if (failedClass !== 'client-closed') {
                health.failed(ticket, clock.monotonic(), failedClass);
              }
              health.finished(ticket, clock.monotonic(), settlement.totalTokens);
              release(settlement.totalTokens);
              trace?.end({
                errorCode: settlement.failed?.code,
                upstreamStatus: settlement.failed?.upstreamStatus,
                inputTokens: settlement.usage?.inputTokens.total,
                outputTokens: settlement.usage?.outputTokens.total,
              });
            },
          };
        } catch (error) {
          const durationMs = clock.monotonic() - startedAt;
          lastError = toGatewayError(error);
          errorClass = classifyError(lastError);
          const retryAfterMs =
            lastError.retryAfterSeconds === undefined
              ? undefined
              : lastError.retryAfterSeconds * 1000;
          health.failed(ticket, clock.monotonic(), errorClass, retryAfterMs);
          health.finished(ticket, clock.monotonic(), undefined);
          record('failure', lastError, durationMs);
          trace?.end({ errorCode: lastError.code, upstreamStatus: lastError.upstreamStatus });
          if (errorClass === 'client-closed' || cancellation.cancelled) {
            throw new PlanFailedError(lastError, attempts);
          }
          if (lastError.noFallback) {
            throw new PlanFailedError(lastError, attempts);
          }
          if (!isRetryable(errorClass) || retry >= group.retries.maxRetries) {
            break;
          }
          const nextDelay = backoffDelayMs(retry, group.retries, environment.random, retryAfterMs);
          if (nextDelay === undefined || !health.tryRetry(clock.monotonic())) {
            break;
          }
          delayMs = nextDelay;
          await environment.wait(nextDelay, cancellation);
          if (isCancelled(cancellation)) {
            throw new PlanFailedError(new GatewayError('SB_ERR_CLIENT_CLOSED'), attempts);
          }
        }
      }
    } finally {
      // Nothing was served by this deployment: its limits get their token estimate back.
      if (!served) release(0);
    }
    if (errorClass === undefined) {
      continue;
    }
    // A cascade's rejected answer always moves on to the next tier: escalating is the point.
    if (!group.fallbackOn.has(errorClass) && errorClass !== 'cascade-rejected') {
      break;
    }
    if (errorClass === 'context-length') {
      tooSmallWindow = Math.max(tooSmallWindow ?? 0, deployment.contextWindow ?? 0);
    }
  }
  throw new PlanFailedError(
    lastError ??
      limited ??
      new GatewayError('SB_ERR_ROUTE_UNAVAILABLE', {
        internalDetail: 'every planned deployment refused the attempt (circuits open)',
      }),
    attempts,
  );
}

/** Read through a call: the flag changes while awaiting, which narrowing cannot see. */
function isCancelled(cancellation: Cancellation): boolean {
  return cancellation.cancelled;
}
