import type { OutgoingHttpHeaders } from 'node:http';
import type { Usage } from '../canonical/usage.ts';
import type { RoutedResponse } from '../gateway/gateway.ts';
import { decisionReason } from '../gateway/gateway.ts';
import { waitForDrain } from '../lib/wait-for-drain.ts';
import { costOfUsage } from '../canonical/model-price.ts';
import { formatCostUsd } from '../lib/format-cost-usd.ts';
import { headerSafeText } from './header-safe-text.ts';
import type { HttpExchange } from './http-exchange.ts';
import { formatServerTiming, upstreamMilliseconds, type RequestFacts } from './request-outcome.ts';
import { crashPoint } from '../lib/crash-points.ts';

function servedHeaders(exchange: HttpExchange, routed: RoutedResponse): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    ...routed.rateLimitHeaders,
    'x-signalbox-request-id': exchange.requestId,
    // The model (and so the deployment id) can be a client's free choice on an open provider.
    'x-signalbox-model': headerSafeText(routed.deployment.upstreamModel),
    'x-signalbox-provider': routed.deployment.providerId,
    'x-signalbox-deployment': headerSafeText(routed.deployment.id),
    'x-signalbox-route': headerSafeText(routeHeader(routed)),
    'x-signalbox-attempts': String(routed.attempts.length),
    'server-timing': formatServerTiming(
      exchange.elapsedMs(),
      upstreamMilliseconds(routed.attempts),
    ),
  };
  const variant = routed.trace.groups.find((group) => group.variant !== undefined)?.variant;
  if (variant !== undefined) {
    headers['x-signalbox-variant'] = variant;
  }
  if (routed.upstreamRequestId !== undefined && /^[\w.:-]{1,128}$/.test(routed.upstreamRequestId)) {
    headers['x-signalbox-upstream-request-id'] = routed.upstreamRequestId;
  }
  // Names come from client JSON keys: only plain identifiers go into a header.
  const dropped = routed.droppedParameters.filter((name) => /^[\w.-]{1,64}$/.test(name));
  if (dropped.length > 0) {
    headers['x-signalbox-dropped-params'] = dropped.join(', ');
  }
  if (routed.estimated) {
    headers['x-signalbox-estimated'] = 'true';
  }
  if (routed.cache !== undefined) {
    headers['x-signalbox-cache'] = routed.cache.status;
  }
  return headers;
}

/**
 * The route reason: the first group's choice (strategy, `rule:<name>`, `canary`, `direct`), and
 * `; fallback` or `; retry` when the serving attempt was not the first one planned. On a cascade
 * group: `cascade`, then `; escalated` when a tier's answer was rejected.
 */
function routeHeader(routed: RoutedResponse): string {
  const reason = decisionReason(routed.trace);
  if (routed.trace.cascade?.escalated === true) return reason;
  const served = routed.attempts[routed.attempts.length - 1];
  const first = routed.attempts[0];
  if (served === undefined || first === undefined || served === first) {
    return reason;
  }
  return served.deployment === first.deployment && served.retry > 0
    ? `${reason}; retry`
    : `${reason}; fallback`;
}

/**
 * Writes a provider's answer to the client and returns the facts for the request record. A
 * complete answer is sent as the provider's bytes. A stream is written chunk by chunk, waiting
 * whenever the client reads slower than the provider writes, so memory stays bounded; the facts
 * are returned once the stream has ended. A client that takes no bytes for `sendStallMs` while
 * the answer waits on it is cut (`server.send_stall_ms`), so it cannot hold the request open.
 */
export async function writeModelResponse(
  exchange: HttpExchange,
  requestedModel: string,
  routed: RoutedResponse,
  sendStallMs?: number,
): Promise<RequestFacts> {
  const stall = sendStallGuard(exchange.response, sendStallMs);
  const base = {
    requestedModel,
    provider: routed.deployment.providerId,
    upstreamModel: routed.deployment.upstreamModel,
    deployment: routed.deployment.id,
    decision: routed.trace,
    attempts: routed.attempts,
    cache: routed.cache,
  };
  const headers = servedHeaders(exchange, routed);
  // An answer served from the cache cost nothing upstream.
  const fromCache = routed.cache?.status === 'hit' || routed.cache?.status === 'semantic-hit';
  if (routed.kind === 'complete') {
    const costUsd = fromCache
      ? 0
      : withDiscardedCost(costOfUsage(routed.usage, routed.price), routed);
    headers['content-type'] = routed.contentType;
    headers['content-length'] = Buffer.byteLength(routed.body);
    if (costUsd !== undefined) {
      // Known before the body goes out only for complete answers; a stream's is in its record.
      headers['x-signalbox-cost-usd'] = formatCostUsd(costUsd);
    }
    exchange.firstByteMs ??= exchange.elapsedMs();
    exchange.response.writeHead(200, headers);
    exchange.payloadCapture?.answered(routed.body);
    // A string body goes out in one write together with the headers.
    exchange.response.end(routed.body);
    if (!exchange.response.writableFinished) {
      // Not all in the kernel yet: the client must keep reading (disarmed by Node once done).
      stall.arm();
    }
    routed.settle({
      failed: undefined,
      totalTokens: totalTokens(routed.usage),
      usage: routed.usage,
    });
    return {
      ...base,
      status: 200,
      stream: false,
      outcome: 'completed',
      usage: routed.usage,
      costUsd,
      finishReasons: routed.finishReasons ?? [],
      outputSchema: routed.answerSchema,
    };
  }
  const response = exchange.response;
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  // The outcome promise never rejects; whatever happens while writing, health hears the end.
  void routed.outcome.then((ended) => {
    routed.settle({
      failed: ended.status === 'upstream-error' ? ended.error : undefined,
      totalTokens: totalTokens(ended.usage),
      usage: ended.usage,
      clientClosed: ended.status === 'client-closed',
      usageFinal: ended.usageFinal,
    });
  });
  exchange.firstByteMs ??= exchange.elapsedMs();
  response.writeHead(200, headers);
  const capture = exchange.payloadCapture;
  for await (const chunk of routed.chunks) {
    if (response.destroyed) {
      break;
    }
    exchange.firstChunkMs ??= exchange.elapsedMs();
    capture?.answered(chunk);
    const flowing = response.write(chunk);
    crashPoint('mid-stream');
    if (!flowing) {
      stall.arm();
      await waitForDrain(response);
      stall.disarm();
    }
  }
  if (!response.destroyed) {
    response.end();
  }
  const outcome = await routed.outcome;
  return {
    ...base,
    status: 200,
    stream: true,
    outcome: outcome.status,
    errorCode: outcome.error?.code,
    usage: outcome.usage,
    costUsd: fromCache ? 0 : withDiscardedCost(costOfUsage(outcome.usage, routed.price), routed),
    finishReasons: outcome.finishReasons,
    outputSchema: outcome.answerSchema,
  };
}

/**
 * Cuts the connection when the client takes no bytes for `stallMs` while armed: Node's socket
 * inactivity timer, which a completed write restarts and a pending write that still makes
 * progress postpones (so a cut comes after one to two times `stallMs`). A slow reader that keeps
 * reading is never cut, and a stream waiting on its provider (disarmed) is never either.
 */
function sendStallGuard(
  response: HttpExchange['response'],
  stallMs: number | undefined,
): { arm(): void; disarm(): void } {
  if (stallMs === undefined || stallMs <= 0) {
    return { arm: () => undefined, disarm: () => undefined };
  }
  let listening = false;
  return {
    arm() {
      if (!listening) {
        listening = true;
        response.once('timeout', () => response.destroy());
      }
      response.setTimeout(stallMs);
    },
    disarm() {
      response.setTimeout(0);
    },
  };
}

/**
 * The served answer's cost plus what the answers paid for and not served cost (a cascade's
 * rejected tiers and its judge); undefined when the served cost is unknown.
 */
function withDiscardedCost(
  costUsd: number | undefined,
  routed: RoutedResponse,
): number | undefined {
  if (costUsd === undefined) return undefined;
  return (routed.discarded ?? []).reduce(
    (sum, answer) => sum + (costOfUsage(answer.usage, answer.deployment.price) ?? 0),
    costUsd,
  );
}

/** Input plus output tokens, when both are known. */
function totalTokens(usage: Usage | undefined): number | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  return input === undefined || output === undefined ? undefined : input + output;
}
