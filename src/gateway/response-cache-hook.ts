import { costOfUsage } from '../canonical/model-price.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type {
  CacheDecision,
  CacheSession,
  ResponseCache,
} from '../pipeline/cache/response-cache.ts';
import type { CacheOutcome } from '../routing/replay-cached-answer.ts';
import {
  cacheTarget,
  type RouteCacheHook,
  type RoutedResponse,
} from '../routing/route-model-request.ts';
import type { RequestContext } from './request-context.ts';

/** How a request uses the cache: the routing hook, or why it bypasses it. */
export type RequestCache =
  | {
      readonly hook: RouteCacheHook;
      readonly decision: Extract<CacheDecision, { use: true }>;
      /** The session routing's lookup began (undefined until then). */
      readonly session: () => CacheSession | undefined;
    }
  | { readonly hook: undefined; readonly outcome: CacheOutcome };

/**
 * Decides how a request (after its policy) uses the cache and builds the hook routing calls.
 * Throws `GatewayError` (400) for a malformed `x-signalbox-cache-ttl`.
 */
export function requestCache(
  cache: ResponseCache,
  context: RequestContext,
  envelope: ModelRequestEnvelope,
  policyVersion: string | undefined,
): RequestCache {
  let decision: CacheDecision;
  try {
    decision = cache.decide(context.principal, envelope, context.headers, policyVersion);
  } catch (error) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'x-signalbox-cache-ttl',
      detail: `${error instanceof Error ? error.message : 'invalid value'}.`,
    });
  }
  if (!decision.use) {
    return { hook: undefined, outcome: { status: 'bypass', reason: decision.reason } };
  }
  let session: CacheSession | undefined;
  return {
    decision,
    session: () => session,
    hook: {
      records: decision.directives.write,
      async lookup(targets, chatRequest) {
        session = cache.begin(decision, envelope, chatRequest);
        const hit = await session.lookup(targets);
        if (hit === undefined) return undefined;
        return {
          answer: hit.entry.answer,
          target: hit.entry.target,
          outcome: {
            status: hit.similarity === undefined ? 'hit' : 'semantic-hit',
            savedUsd: hit.entry.costNanos === undefined ? undefined : hit.entry.costNanos / 1e9,
            similarity: hit.similarity,
          },
        };
      },
    },
  };
}

/**
 * Stores a fresh answer under the model that produced it: a complete answer at once, a stream
 * once it completed (as the client received it). Marks the response a miss.
 */
export function rememberFreshAnswer(
  used: Extract<RequestCache, { hook: RouteCacheHook }>,
  routed: RoutedResponse,
): RoutedResponse {
  const session = used.session();
  if (session === undefined) return { ...routed, cache: { status: 'miss' } };
  const produced = { target: cacheTarget(routed.deployment), deployment: routed.deployment.id };
  const costNanos = (usage: Parameters<typeof costOfUsage>[0]): number | undefined => {
    const usd = costOfUsage(usage, routed.price);
    return usd === undefined ? undefined : Math.round(usd * 1e9);
  };
  if (routed.kind === 'complete') {
    if (routed.answer !== undefined) {
      session.remember(produced, routed.answer, costNanos(routed.usage));
    }
  } else {
    void routed.outcome.then((ended) => {
      if (ended.answer !== undefined) {
        session.remember(produced, ended.answer, costNanos(ended.usage));
      }
    });
  }
  return { ...routed, cache: { status: 'miss' } };
}
