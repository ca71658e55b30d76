import type { DestinationStream } from 'pino';
import type { Clock } from '../lib/clock.ts';
import type { RequestRecord } from './request-record.ts';

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** Formats epoch milliseconds as ISO 8601, reusing the formatted second between calls. */
function createIsoTimeFormatter(): (milliseconds: number) => string {
  let cachedSecond = Number.NaN;
  let cachedPrefix = '';
  return (milliseconds) => {
    const second = Math.floor(milliseconds / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    const fraction = milliseconds - second * 1000;
    return `${cachedPrefix}${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${Math.floor(fraction)}Z`;
  };
}

/** Strings that need no JSON escaping (the common case: ids, routes, model names). */
const plainText = /^[\w .:/@+-]*$/;

/** `,"name":value` for a defined value, JSON-encoded; nothing for undefined. */
function field(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value !== 'string') {
    return `,"${name}":${value}`;
  }
  return plainText.test(value) ? `,"${name}":"${value}"` : `,"${name}":${JSON.stringify(value)}`;
}

/**
 * Returns a writer of one access-log line per finished request, in the same JSON-lines format as
 * the process log. Request records hold no secrets by construction (keys appear only as public
 * ids, bodies never), so lines are built directly rather than through the logger's redaction:
 * the request path pays for a few string concatenations, not a serialiser. Client-supplied
 * strings (route, model) are JSON-escaped. Successful health checks are not logged.
 */
export function createAccessLogWriter(
  destination: DestinationStream,
  clock: Clock,
): (record: RequestRecord) => void {
  const isoTime = createIsoTimeFormatter();
  return function writeAccessLog(record) {
    if (record.status < 400 && record.route.startsWith('/health/')) {
      return;
    }
    const usage = record.usage;
    const line =
      `{"level":"info","time":"${isoTime(clock.now())}","service":"signalbox","msg":"request"` +
      field('requestId', record.requestId) +
      field('traceId', record.traceId) +
      field('method', record.method) +
      field('route', record.route) +
      field('status', record.status) +
      field('keyId', record.keyId) +
      field('org', record.org) +
      field('userId', record.userId) +
      field('endUser', record.endUser?.id) +
      field('model', record.requestedModel) +
      field('provider', record.provider) +
      field('upstreamModel', record.upstreamModel) +
      field('deployment', record.deployment) +
      field('routeReason', record.routeReason) +
      field('stream', record.stream) +
      field('outcome', record.outcome) +
      field('errorCode', record.errorCode) +
      (record.policy === undefined ? '' : `,"policy":${JSON.stringify(record.policy)}`) +
      (record.attempts.length > 1 ? `,"attempts":${JSON.stringify(record.attempts)}` : '') +
      // The whole decision is logged when it needs explaining: a fallback, a retry or a failure.
      (record.decision !== undefined && (record.attempts.length > 1 || record.status >= 400)
        ? `,"decision":${JSON.stringify(record.decision)}`
        : '') +
      field('inputTokens', usage?.inputTokens.total) +
      field('outputTokens', usage?.outputTokens.total) +
      field('cachedTokens', usage?.inputTokens.cacheRead) +
      field('reasoningTokens', usage?.outputTokens.reasoning) +
      field('cacheWriteTokens', usage?.inputTokens.cacheWrite) +
      field('costUsd', record.costUsd) +
      (record.finishReasons.length > 0
        ? `,"finishReasons":${JSON.stringify(record.finishReasons)}`
        : '') +
      field('durationMs', record.durationMs) +
      field('upstreamMs', record.upstreamMs === undefined ? undefined : round(record.upstreamMs)) +
      '}\n';
    destination.write(line);
  };
}
