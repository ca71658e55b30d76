import type { RequestRecord } from '../request-record.ts';
import type { GatewayMetricSet } from './gateway-metrics.ts';
import type { LabelBounds } from './label-bounds.ts';

/** The GenAI operation of a model route (semantic-convention names); undefined for other routes. */
const operations: ReadonlyMap<string, string> = new Map([
  ['/v1/chat/completions', 'chat'],
  ['/v1/messages', 'chat'],
  ['/v1/responses', 'chat'],
  ['/v1/embeddings', 'embeddings'],
]);

const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'];

function statusClass(status: number): string {
  return statusClasses[Math.floor(status / 100) - 1] ?? otherStatus;
}
const otherStatus = 'other';

const cacheResults: Readonly<Record<string, string>> = {
  hit: 'exact_hit',
  'semantic-hit': 'semantic_hit',
  miss: 'miss',
  bypass: 'bypass',
};

/** Which rate limit refused a request, from its error code and attempts. */
function rateLimitScope(record: RequestRecord): string | undefined {
  switch (record.errorCode) {
    case 'SB_ERR_RATE_LIMITED':
      // Refused before routing (key, team, org or concurrency limits), or every deployment's own
      // rpm/tpm was full (each attempt was skipped).
      return record.attempts.length === 0 ? 'gateway' : 'deployment';
    case 'SB_ERR_RATE_LIMIT_EXCEEDS_BURST':
      return 'burst';
    case 'SB_ERR_UPSTREAM_RATE_LIMITED':
      return 'upstream';
    default:
      return undefined;
  }
}

function hasEntries(counts: Readonly<Record<string, number>>): boolean {
  for (const key in counts) {
    if ((counts[key] ?? 0) > 0) return true;
  }
  return false;
}

function policyDecision(policy: NonNullable<RequestRecord['policy']>): string {
  if (policy.outcome === 'deny') return 'deny';
  return hasEntries(policy.redacted) ? 'redact' : 'permit';
}

/** Retry (one deployment tried again) or fallback (another deployment), for >1 real attempt. */
function rerouteKind(attempts: RequestRecord['attempts']): string | undefined {
  let tried = 0;
  let first: string | undefined;
  let otherDeployment = false;
  for (const attempt of attempts) {
    if (attempt.outcome === 'skipped') continue;
    tried += 1;
    if (first === undefined) first = attempt.deployment;
    else if (attempt.deployment !== first) otherDeployment = true;
  }
  if (tried < 2) return undefined;
  return otherDeployment ? 'fallback' : 'retry';
}

/**
 * Updates the metrics from one finished request record. Only reads the record; label values go
 * through `bounds`, so no client input becomes a label. Never throws: a metrics fault must not
 * disturb the access log or the audit trail that share the listener.
 */
export function recordRequestMetrics(
  metrics: GatewayMetricSet,
  bounds: LabelBounds,
  record: RequestRecord,
): void {
  try {
    const route = bounds.route(record.method, record.route);
    metrics.requests.labels(route, statusClass(record.status), record.outcome).inc();
    if (record.errorCode !== undefined) {
      metrics.errors.labels(bounds.errorCode(record.errorCode)).inc();
    }
    metrics.requestDuration.labels(route).observe(record.durationMs / 1000);
    if (record.firstByteMs !== undefined) {
      const ownMs = Math.max(0, record.firstByteMs - (record.upstreamMs ?? 0));
      metrics.overhead.labels(route).observe(ownMs / 1000);
    }
    const scope = rateLimitScope(record);
    if (scope !== undefined) metrics.rateLimitRejections.labels(scope).inc();
    if (record.policy !== undefined) {
      metrics.policyDecisions.labels(policyDecision(record.policy)).inc();
    }
    const operation = operations.get(route);
    if (operation !== undefined) recordModelRequest(metrics, bounds, record, operation);
  } catch {
    // Deliberately ignored: see above.
  }
}

function recordModelRequest(
  metrics: GatewayMetricSet,
  bounds: LabelBounds,
  record: RequestRecord,
  operation: string,
): void {
  const provider = bounds.provider(record.provider);
  const genAiProvider = bounds.genAiProvider(record.provider);
  const requestModel = bounds.model(record.requestedModel);
  const responseModel = bounds.model(record.upstreamModel);
  const errorType =
    record.errorCode !== undefined
      ? bounds.errorCode(record.errorCode)
      : record.outcome === 'completed'
        ? ''
        : record.outcome;
  metrics.operationDuration
    .labels(operation, genAiProvider, requestModel, responseModel, errorType)
    .observe(record.durationMs / 1000);
  if (record.stream && record.firstChunkMs !== undefined) {
    metrics.timeToFirstToken
      .labels(operation, genAiProvider, requestModel, responseModel)
      .observe(record.firstChunkMs / 1000);
  }
  const usage = record.usage;
  if (usage !== undefined) {
    const input = usage.inputTokens;
    const output = usage.outputTokens;
    if (input.total !== undefined) {
      metrics.tokenUsage
        .labels(operation, genAiProvider, requestModel, responseModel, 'input')
        .observe(input.total);
      metrics.tokens.labels(requestModel, 'input').inc(input.total);
    }
    if (output.total !== undefined) {
      metrics.tokenUsage
        .labels(operation, genAiProvider, requestModel, responseModel, 'output')
        .observe(output.total);
      metrics.tokens.labels(requestModel, 'output').inc(output.total);
    }
    if (input.cacheRead !== undefined && input.cacheRead > 0) {
      metrics.tokens.labels(requestModel, 'cache_read').inc(input.cacheRead);
    }
    if (input.cacheWrite !== undefined && input.cacheWrite > 0) {
      metrics.tokens.labels(requestModel, 'cache_write').inc(input.cacheWrite);
    }
    if (output.reasoning !== undefined && output.reasoning > 0) {
      metrics.tokens.labels(requestModel, 'reasoning').inc(output.reasoning);
    }
  }
  if (record.costUsd !== undefined && record.costUsd > 0) {
    metrics.cost.labels(provider, requestModel).inc(record.costUsd);
  }
  const cache = record.cache;
  if (cache !== undefined) {
    metrics.cacheLookups.labels(cacheResults[cache.status] ?? otherStatus).inc();
    if (cache.savedUsd !== undefined && cache.savedUsd > 0) metrics.cacheSaved.inc(cache.savedUsd);
  }
  for (const attempt of record.attempts) {
    metrics.attempts.labels(bounds.provider(attempt.provider), attempt.outcome).inc();
  }
  const reroute = rerouteKind(record.attempts);
  if (reroute !== undefined) metrics.reroutes.labels(reroute).inc();
}
