import { chatResponseToEvents } from '../canonical/chat-response-events.ts';
import { finishReasonsOf } from '../canonical/finish-reasons-of.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import type { StreamOutcome } from '../upstream/relay-upstream-stream.ts';
import type { RequestTranslation } from '../upstream/request-translation.ts';
import type { DecisionTrace } from './decision-trace.ts';
import type { Deployment } from './deployment.ts';
import type { RoutedResponse } from './route-model-request.ts';

/** How the response cache took part in a request (`x-signalbox-cache`). */
export interface CacheOutcome {
  readonly status: 'hit' | 'semantic-hit' | 'miss' | 'bypass';
  /** For a hit: what the answer cost when it was produced (US dollars), now saved. */
  readonly savedUsd?: number | undefined;
  /** For a semantic hit: the similarity of the request to the stored one. */
  readonly similarity?: number | undefined;
  /** For a bypass: why. */
  readonly reason?: string | undefined;
}

async function* textChunks(chunks: readonly string[]): AsyncIterable<string> {
  for (const chunk of chunks) {
    if (chunk !== '') yield chunk;
  }
  await Promise.resolve();
}

/**
 * A complete answer as the client's dialect streams it (start, one delta per part, usage, end),
 * with the outcome of a stream that completed. `extra`: the outcome's answer-check result and
 * recorded answer. Shared by the cache's replay and a cascade's buffered tiers.
 */
export function streamOfAnswer(
  translation: RequestTranslation,
  answer: ChatResponse,
  requestedModel: string,
  now: number,
  extra: Pick<StreamOutcome, 'answerSchema' | 'answer'> = { answerSchema: undefined },
): { readonly chunks: AsyncIterable<string>; readonly outcome: Promise<StreamOutcome> } {
  const encoder = translation.ingress.createStreamEncoder({
    requestedModel,
    includeUsage: translation.envelope.clientWantsStreamUsage,
    now,
  });
  return {
    chunks: textChunks(chatResponseToEvents(answer).map((event) => encoder.push(event))),
    outcome: Promise.resolve({
      status: 'completed',
      usage: answer.usage,
      finishReasons: finishReasonsOf(answer),
      error: undefined,
      usageFinal: true,
      ...extra,
    }),
  };
}

/**
 * A stored answer served as the request asked for it: the client's dialect, complete or as a
 * proper stream (start, one delta per part, usage, end), from `deployment`, which produced it.
 * No attempt is made; settling does nothing (no provider was involved).
 */
export function replayCachedAnswer(
  translation: RequestTranslation,
  answer: ChatResponse,
  deployment: Deployment,
  trace: DecisionTrace,
  cache: CacheOutcome,
  now: number,
): RoutedResponse {
  const context = {
    requestedModel: deployment.upstreamModel,
    includeUsage: translation.envelope.clientWantsStreamUsage,
    now,
  };
  const shared = {
    upstreamRequestId: undefined,
    droppedParameters: [],
    estimated: false,
    price: deployment.price,
    deployment,
    attempts: [],
    trace,
    settle: () => undefined,
    cache,
  };
  if (!translation.envelope.stream) {
    return {
      ...shared,
      kind: 'complete',
      contentType: 'application/json',
      body: translation.ingress.encodeResponse(answer, context),
      usage: answer.usage,
      finishReasons: finishReasonsOf(answer),
    };
  }
  return {
    ...shared,
    kind: 'stream',
    ...streamOfAnswer(translation, answer, deployment.upstreamModel, now),
  };
}
