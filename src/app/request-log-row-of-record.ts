import type { RequestRecord } from '../observability/request-record.ts';
import { wireContext, wirePrompt } from './wire-provenance.ts';
import type { RequestLogRow } from '../storage/request-log-store.ts';
import { wireDecisionTrace } from '../http/routes/routing-routes.ts';
import type { AttemptSummary, PolicyDecisionRecord } from '../observability/request-record.ts';
import type { Usage } from '../canonical/usage.ts';

/**
 * The request log row of a finished request, at `finishedAtMs`: metadata and the decision trace
 * only. The payload (prompt and answer) is never copied: when payload retention keeps it, the
 * audit trail seals it and the log finds it by request id. Pure.
 */
export function requestLogRowOfRecord(record: RequestRecord, finishedAtMs: number): RequestLogRow {
  const usage = record.usage;
  return {
    requestId: record.requestId,
    // When the request arrived, so a search lists requests in the order they came in.
    at: Math.round(finishedAtMs - record.durationMs),
    method: record.method,
    route: record.route,
    status: record.status,
    outcome: record.outcome,
    keyId: record.keyId ?? null,
    org: record.org ?? null,
    team: record.team ?? null,
    userId: record.userId ?? null,
    requestedModel: record.requestedModel ?? null,
    provider: record.provider ?? null,
    deployment: record.deployment ?? null,
    upstreamModel: record.upstreamModel ?? null,
    stream: record.stream,
    inputTokens: usage?.inputTokens.total ?? null,
    outputTokens: usage?.outputTokens.total ?? null,
    cacheReadTokens: usage?.inputTokens.cacheRead ?? null,
    cacheWriteTokens: usage?.inputTokens.cacheWrite ?? null,
    costNanos: record.costUsd === undefined ? null : Math.round(record.costUsd * 1e9),
    durationMs: record.durationMs,
    upstreamMs: record.upstreamMs ?? null,
    errorCode: record.errorCode ?? null,
    routeReason: record.routeReason ?? null,
    cache: record.cache?.status ?? null,
    promptId: record.prompt?.id ?? null,
    promptVersion: record.prompt?.version ?? null,
    detail: JSON.stringify({
      // The API's snake_case, the same shapes POST /v1/route answers with.
      decision: record.decision === undefined ? undefined : wireDecisionTrace(record.decision),
      attempts: record.attempts.map(wireAttempt),
      policy: record.policy === undefined ? undefined : wirePolicy(record.policy),
      usage: record.usage === undefined ? undefined : wireUsage(record.usage),
      finish_reasons: record.finishReasons,
      output_schema: record.outputSchema,
      cache: record.cache,
      // Provenance as the audit record writes it, only when a template or a document took part.
      prompt: record.prompt === undefined ? undefined : wirePrompt(record.prompt),
      context:
        record.context === undefined || record.context.length === 0
          ? undefined
          : record.context.map(wireContext),
    }),
  };
}

function wireAttempt(attempt: AttemptSummary) {
  return {
    deployment: attempt.deployment,
    provider: attempt.provider,
    model: attempt.model,
    retry: attempt.retry,
    outcome: attempt.outcome,
    error_class: attempt.errorClass ?? null,
    error_code: attempt.errorCode ?? null,
    status: attempt.status ?? null,
    duration_ms: attempt.durationMs,
    delay_ms: attempt.delayMs,
  };
}

function wirePolicy(policy: PolicyDecisionRecord) {
  return {
    name: policy.name,
    version: policy.version,
    outcome: policy.outcome,
    rules: policy.rules,
    flags: policy.flags,
    data_classes: policy.dataClasses,
    redacted: policy.redacted,
    restricted: policy.restricted,
    injection_score: policy.injectionScore ?? null,
    detector_failed: policy.detectorFailed,
  };
}

function wireUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens.total ?? null,
    cache_read_tokens: usage.inputTokens.cacheRead ?? null,
    cache_write_tokens: usage.inputTokens.cacheWrite ?? null,
    output_tokens: usage.outputTokens.total ?? null,
    reasoning_tokens: usage.outputTokens.reasoning ?? null,
  };
}
