import type { OutgoingHttpHeaders } from 'node:http';
import type { RoutedResponse } from '../gateway/gateway.ts';
import { waitForDrain } from '../lib/wait-for-drain.ts';
import { costOfUsage } from '../canonical/model-price.ts';
import type { HttpExchange } from './http-exchange.ts';
import { formatServerTiming, upstreamMilliseconds, type RequestFacts } from './request-outcome.ts';

function servedHeaders(exchange: HttpExchange, routed: RoutedResponse): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-signalbox-request-id': exchange.requestId,
    'x-signalbox-model': routed.target.upstreamModel,
    'x-signalbox-provider': routed.target.providerId,
    'server-timing': formatServerTiming(
      exchange.elapsedMs(),
      upstreamMilliseconds(routed.attempts),
    ),
  };
  if (routed.attempts.length > 1) {
    headers['x-signalbox-attempts'] = String(routed.attempts.length);
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
  return headers;
}

/**
 * Writes a provider's answer to the client and returns the facts for the request record. A
 * complete answer is sent as the provider's bytes. A stream is written chunk by chunk, waiting
 * whenever the client reads slower than the provider writes, so memory stays bounded; the facts
 * are returned once the stream has ended.
 */
export async function writeModelResponse(
  exchange: HttpExchange,
  requestedModel: string,
  routed: RoutedResponse,
): Promise<RequestFacts> {
  const base = {
    requestedModel,
    provider: routed.target.providerId,
    upstreamModel: routed.target.upstreamModel,
    attempts: routed.attempts,
  };
  const headers = servedHeaders(exchange, routed);
  if (routed.kind === 'complete') {
    headers['content-type'] = routed.contentType;
    headers['content-length'] = Buffer.byteLength(routed.body);
    exchange.response.writeHead(200, headers);
    // A string body goes out in one write together with the headers.
    exchange.response.end(routed.body);
    return {
      ...base,
      status: 200,
      stream: false,
      outcome: 'completed',
      usage: routed.usage,
      costUsd: costOfUsage(routed.usage, routed.price),
    };
  }
  const response = exchange.response;
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  response.writeHead(200, headers);
  for await (const chunk of routed.chunks) {
    if (response.destroyed) {
      break;
    }
    if (!response.write(chunk)) {
      await waitForDrain(response);
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
    costUsd: costOfUsage(outcome.usage, routed.price),
    finishReasons: outcome.finishReasons,
  };
}
