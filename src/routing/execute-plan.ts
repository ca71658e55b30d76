import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { Clock } from '../lib/clock.ts';
import { shouldFallBack } from './fallback-policy.ts';
import type { PlannedTarget } from './model-catalog.ts';

/** A record of one attempt, for logs, headers and (later) audit. */
export interface AttemptRecord {
  readonly target: PlannedTarget;
  readonly durationMs: number;
  /** Undefined for the attempt that succeeded. */
  readonly error: GatewayError | undefined;
}

export interface PlanResult<T> {
  readonly value: T;
  readonly target: PlannedTarget;
  readonly attempts: readonly AttemptRecord[];
}

/** Thrown when every attempt failed; carries the attempts and reports the last one's error. */
export class PlanFailedError extends Error {
  readonly lastError: GatewayError;
  readonly attempts: readonly AttemptRecord[];

  constructor(lastError: GatewayError, attempts: readonly AttemptRecord[]) {
    super(lastError.message, { cause: lastError });
    this.name = 'PlanFailedError';
    this.lastError = lastError;
    this.attempts = attempts;
  }
}

/**
 * Runs a plan: tries each target in order until one succeeds, falling back only on failures that
 * another target may not share (see `shouldFallBack`). `attempt` must not have sent anything to
 * the client when it throws; that is what makes falling back safe. Throws `PlanFailedError`.
 */
export async function executePlan<T>(
  targets: readonly PlannedTarget[],
  attempt: (target: PlannedTarget) => Promise<T>,
  clock: Clock,
): Promise<PlanResult<T>> {
  const attempts: AttemptRecord[] = [];
  let lastError: GatewayError | undefined;
  for (const target of targets) {
    const startedAt = clock.monotonic();
    try {
      const value = await attempt(target);
      attempts.push({ target, durationMs: clock.monotonic() - startedAt, error: undefined });
      return { value, target, attempts };
    } catch (error) {
      lastError = toGatewayError(error);
      attempts.push({ target, durationMs: clock.monotonic() - startedAt, error: lastError });
      if (!shouldFallBack(lastError)) {
        break;
      }
    }
  }
  throw new PlanFailedError(lastError ?? new GatewayError('SB_ERR_MODEL_NOT_FOUND'), attempts);
}
