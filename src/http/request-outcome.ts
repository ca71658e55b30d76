import type { Usage } from '../canonical/usage.ts';
import type { CacheOutcome } from '../observability/request-record.ts';
import type { DecisionTrace, TraceAttempt } from '../gateway/gateway.ts';
import { decisionReason } from '../gateway/gateway.ts';
import type { AttemptSummary, RequestRecord } from '../observability/request-record.ts';
import type { HttpExchange } from './http-exchange.ts';

/** What a route learned about a request, for its record. */
export interface RequestFacts {
  readonly status: number;
  readonly requestedModel?: string | undefined;
  readonly stream?: boolean;
  readonly provider?: string | undefined;
  readonly upstreamModel?: string | undefined;
  readonly outcome: RequestRecord['outcome'];
  readonly errorCode?: string | undefined;
  readonly deployment?: string | undefined;
  readonly decision?: DecisionTrace | undefined;
  readonly attempts?: readonly TraceAttempt[];
  readonly usage?: Usage | undefined;
  readonly costUsd?: number | undefined;
  readonly finishReasons?: readonly string[];
  readonly outputSchema?: RequestRecord['outputSchema'];
  /** How the response cache took part. */
  readonly cache?: CacheOutcome | undefined;
}

/** Attempts for the record, durations rounded to the microsecond. */
export function summariseAttempts(attempts: readonly TraceAttempt[]): AttemptSummary[] {
  return attempts.map((attempt) => ({
    ...attempt,
    durationMs: Math.round(attempt.durationMs * 1000) / 1000,
  }));
}

/** Milliseconds spent in attempts (waiting on providers), or undefined when none was made. */
export function upstreamMilliseconds(
  attempts: readonly TraceAttempt[] | undefined,
): number | undefined {
  if (attempts === undefined || attempts.length === 0) {
    return undefined;
  }
  return attempts.reduce((sum, attempt) => sum + attempt.durationMs, 0);
}

/** Builds the record of a finished request. */
export function buildRequestRecord(exchange: HttpExchange, facts: RequestFacts): RequestRecord {
  return {
    requestId: exchange.requestId,
    traceId: exchange.trace?.traceId,
    method: exchange.method,
    route: exchange.path,
    status: facts.status,
    keyId: exchange.principal?.keyId,
    org: exchange.principal?.org,
    team: exchange.principal?.team,
    userId: exchange.principal?.userId,
    agent: exchange.principal?.agent,
    endUser: exchange.endUser,
    policy: exchange.policy,
    prompt: exchange.prompt,
    context: exchange.context,
    adminChange: exchange.adminChange,
    requestedModel: facts.requestedModel,
    provider: facts.provider,
    upstreamModel: facts.upstreamModel,
    deployment: facts.deployment,
    routeReason: facts.decision === undefined ? undefined : decisionReason(facts.decision),
    decision: facts.decision,
    stream: facts.stream ?? false,
    outcome: facts.outcome,
    errorCode: facts.errorCode,
    attempts: summariseAttempts(facts.attempts ?? []),
    usage: facts.usage,
    costUsd: facts.costUsd,
    finishReasons: facts.finishReasons ?? [],
    outputSchema: facts.outputSchema,
    durationMs: Math.round(exchange.elapsedMs() * 1000) / 1000,
    upstreamMs: upstreamMilliseconds(facts.attempts),
    firstByteMs: roundedMs(exchange.firstByteMs),
    firstChunkMs: roundedMs(exchange.firstChunkMs),
    payload: exchange.payloadCapture?.result(),
    cache: facts.cache,
  };
}

function roundedMs(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms * 1000) / 1000;
}

/** The `Server-Timing` header: the gateway's own time and the time spent waiting on providers. */
export function formatServerTiming(totalMs: number, upstreamMs: number | undefined): string {
  const upstream = upstreamMs ?? 0;
  const gateway = Math.max(0, totalMs - upstream);
  return `gateway;dur=${Math.round(gateway * 1000) / 1000}, upstream;dur=${Math.round(upstream * 1000) / 1000}`;
}
