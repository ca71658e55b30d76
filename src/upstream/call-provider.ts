import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { Usage } from '../canonical/usage.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import { safeParseJson } from '../lib/json.ts';
import { mapUpstreamErrorResponse } from './map-upstream-error-response.ts';
import type { ProviderEndpoint } from './provider-endpoint.ts';
import { relayUpstreamStream, type CommittedStream } from './relay-upstream-stream.ts';
import { openUpstreamExchange } from './upstream-exchange.ts';
import type { UpstreamPool } from './upstream-pool.ts';

export interface ProviderCallContext {
  readonly pool: UpstreamPool;
  /** Fires when the client goes away; the upstream exchange is then aborted. */
  readonly cancellation: Cancellation;
  readonly clock: Clock;
  /** Largest non-streamed response body accepted from a provider. */
  readonly maxResponseBytes: number;
}

interface CallFacts {
  /** The provider's own id for the exchange, for support tickets. */
  readonly upstreamRequestId: string | undefined;
  /** Milliseconds from sending the request to its response headers. */
  readonly upstreamMs: number;
}

/** A provider's successful answer, ready to hand to the client. */
export type ProviderCallResult =
  | (CallFacts & {
      readonly kind: 'complete';
      readonly contentType: string;
      /** The provider's body, decoded as UTF-8 (it is JSON) and otherwise as sent. */
      readonly body: string;
      readonly usage: Usage | undefined;
    })
  | (CallFacts & { readonly kind: 'stream' } & CommittedStream);

const errorBodyLimit = 64 * 1024;

/**
 * One attempt against one provider for a same-dialect request: rewrites the client's body for the
 * target model, sends it, and returns the answer. For streams it returns at the commit point (the
 * first data event), so every failure it throws happened before the client received anything and
 * may be retried elsewhere. Throws `GatewayError`.
 */
export async function callProvider(
  endpoint: ProviderEndpoint,
  envelope: ModelRequestEnvelope,
  upstreamModel: string,
  context: ProviderCallContext,
): Promise<ProviderCallResult> {
  const requestStreamUsage = endpoint.type.quirks.streamUsageOption;
  const body = endpoint.codec.rewriteRequestBody(envelope, { upstreamModel, requestStreamUsage });
  const sentAt = context.clock.monotonic();
  const response = await openUpstreamExchange(context.pool, {
    url: endpoint.url(envelope.operation),
    method: 'POST',
    headers: endpoint.headers,
    body,
    timeouts: endpoint.timeouts,
    cancellation: context.cancellation,
  });
  const facts: CallFacts = {
    upstreamRequestId: readHeader(
      response.headers['x-request-id'] ?? response.headers['request-id'],
    ),
    upstreamMs: context.clock.monotonic() - sentAt,
  };
  if (response.status >= 400 || response.status < 200) {
    let errorText = '';
    try {
      errorText = (await response.readAll(errorBodyLimit)).toString('utf8');
    } catch {
      // The status alone decides the error; an unreadable error body changes nothing.
    }
    throw mapUpstreamErrorResponse(
      response.status,
      response.headers,
      endpoint.codec.readErrorFacts(errorText),
      endpoint.id,
      context.clock.now(),
    );
  }
  const contentType = readHeader(response.headers['content-type']) ?? '';
  if (envelope.stream) {
    if (!contentType.toLowerCase().startsWith('text/event-stream')) {
      response.release();
      throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
        internalDetail: `provider ${endpoint.id} answered a stream request with content-type "${contentType}"`,
      });
    }
    const stripUsageChunk = requestStreamUsage && !envelope.clientWantsStreamUsage;
    const stream = await relayUpstreamStream(response, endpoint.codec, stripUsageChunk);
    return { kind: 'stream', ...facts, ...stream };
  }
  const responseBody = (await response.readAll(context.maxResponseBytes)).toString('utf8');
  const parsed = safeParseJson(responseBody);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: `provider ${endpoint.id} sent a body that is not JSON (content-type "${contentType}")`,
    });
  }
  return {
    kind: 'complete',
    ...facts,
    contentType: 'application/json',
    body: responseBody,
    usage: endpoint.codec.readResponseUsage(parsed.value),
  };
}

function readHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
