import type { Logger } from '../observability/logger.ts';
import type { RequestRecord } from '../observability/request-record.ts';

/** Writes one access-log line for a finished request (health checks only when they fail). */
export function logRequestRecord(logger: Logger, record: RequestRecord): void {
  if (record.route.startsWith('/health/') && record.status < 400) {
    return;
  }
  logger.info(
    {
      requestId: record.requestId,
      method: record.method,
      route: record.route,
      status: record.status,
      keyId: record.keyId,
      model: record.requestedModel,
      provider: record.provider,
      upstreamModel: record.upstreamModel,
      stream: record.stream,
      outcome: record.outcome,
      errorCode: record.errorCode,
      attempts: record.attempts.length > 1 ? record.attempts : undefined,
      inputTokens: record.usage?.inputTokens.total,
      outputTokens: record.usage?.outputTokens.total,
      cachedTokens: record.usage?.inputTokens.cacheRead,
      reasoningTokens: record.usage?.outputTokens.reasoning,
      finishReasons: record.finishReasons.length > 0 ? record.finishReasons : undefined,
      durationMs: record.durationMs,
      upstreamMs:
        record.upstreamMs === undefined ? undefined : Math.round(record.upstreamMs * 1000) / 1000,
    },
    'request',
  );
}
