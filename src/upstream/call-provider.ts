import type { AnswerSchemaOutcome } from '../canonical/answer-schema-check.ts';
import { finishReasonsOf } from '../canonical/finish-reasons-of.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import { ChatResponseAccumulator } from '../canonical/chat-response-events.ts';
import type { StreamEventFilter } from '../canonical/stream-event-filter.ts';
import { requestedMaxTokens } from '../canonical/requested-max-tokens.ts';
import { tagResponseSignatures } from '../canonical/signature-origin.ts';
import type { Usage } from '../canonical/usage.ts';
import type { PassThroughCodec } from '../dialects/dialect-codec.ts';
import type { ModelPrice } from '../canonical/model-price.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import { safeParseJson } from '../lib/json.ts';
import { checkCompleteAnswer, StreamAnswerCheck } from './answer-schema-verdict.ts';
import { estimateInputTokens } from './estimate-input-tokens.ts';
import { createFrameParser, streamContentTypes } from './frame-parsers.ts';
import { mapUpstreamErrorResponse } from './map-upstream-error-response.ts';
import { prepareChatRequest } from './prepare-chat-request.ts';
import type { ProviderEndpoint } from './provider-endpoint.ts';
import { relayUpstreamStream, type CommittedStream } from './relay-upstream-stream.ts';
import type { RequestTranslation } from './request-translation.ts';
import {
  modelFailure,
  PassThroughTransformer,
  TranslatingTransformer,
  type StreamTransformer,
} from './stream-transformers.ts';
import { openUpstreamExchange, type UpstreamExchange } from './upstream-exchange.ts';
import type { UpstreamPool } from './upstream-pool.ts';

export interface ProviderCallContext {
  readonly pool: UpstreamPool;
  /** Fires when the client goes away; the upstream exchange is then aborted. */
  readonly cancellation: Cancellation;
  readonly clock: Clock;
  /** Largest non-streamed response body accepted from a provider. */
  readonly maxResponseBytes: number;
  /** How long a stream is read on after its client left, to reach its usage; 0 or unset: abort. */
  readonly streamDrainMs?: number;
  /** The deployment's idle and total timeouts, over the provider's. */
  readonly timeouts?: {
    readonly idleMs?: number | undefined;
    readonly totalMs?: number | undefined;
  };
  /**
   * The attempt's W3C trace context, sent as `traceparent` when tracing is on: the one header
   * the gateway adds for itself. A client's own `traceparent` is never forwarded.
   */
  readonly traceparent?: string | undefined;
}

interface CallFacts {
  /** The provider's own id for the exchange, for support tickets. */
  readonly upstreamRequestId: string | undefined;
  /** Request parameters dropped because the target cannot honour them (configured per provider). */
  readonly droppedParameters: readonly string[];
  /** Set when the gateway answered itself with an estimate (token counting on a provider without it). */
  readonly estimated: boolean;
  /** The target model's list price, for the cost in the request record. */
  readonly price: ModelPrice | undefined;
}

/** A provider's successful answer, ready to hand to the client in the client's dialect. */
export type ProviderCallResult =
  | (CallFacts & {
      readonly kind: 'complete';
      readonly contentType: string;
      /** The answer as the client's dialect writes it. */
      readonly body: string;
      readonly usage: Usage | undefined;
      /** The provider's finish reasons (one per choice), for the request record. */
      readonly finishReasons?: readonly string[] | undefined;
      /** How the answer's structured-output check went, when it was checked. */
      readonly answerSchema?: AnswerSchemaOutcome | undefined;
      /** The answer in the hub's terms, when it was recorded (for the cache). */
      readonly answer?: ChatResponse | undefined;
    })
  | (CallFacts & { readonly kind: 'stream' } & CommittedStream);

const errorBodyLimit = 64 * 1024;

/** The body to send and how to read the answer: forwarding the client's bytes, or translating. */
interface PreparedCall {
  readonly body: string;
  /** Set when the client's bytes are forwarded; it then reads the answer too. */
  readonly passThrough: PassThroughCodec | undefined;
  readonly droppedParameters: readonly string[];
}

/**
 * The codec that forwards the client's own bytes to this provider, when it takes them as they
 * are: a provider of the client's dialect, or, for embeddings (an OpenAI operation wherever it is
 * served), any provider that serves OpenAI-style embeddings.
 */
function passThroughFor(
  endpoint: ProviderEndpoint,
  translation: RequestTranslation,
): PassThroughCodec | undefined {
  const envelope = translation.envelope;
  if (endpoint.dialect === envelope.dialect) {
    // A guarded or checked answer must pass through the hub, where it is read.
    return envelope.operation === 'chat' && translation.readsAnswers
      ? undefined
      : endpoint.codec.passThrough;
  }
  if (envelope.operation === 'embeddings' && endpoint.type.quirks.embeddings) {
    return translation.passThrough;
  }
  return undefined;
}

/**
 * The output cap for one target: the request's cap, and when the client set no limit of its own
 * also the model's limit (so a cap never asks a model for more than it can give).
 */
function fitOutputCap(
  cap: number | undefined,
  clientLimit: number | undefined,
  modelLimit: number | undefined,
): number | undefined {
  if (cap === undefined) return undefined;
  return clientLimit === undefined && modelLimit !== undefined ? Math.min(cap, modelLimit) : cap;
}

function prepareCall(
  endpoint: ProviderEndpoint,
  translation: RequestTranslation,
  upstreamModel: string,
): PreparedCall {
  const envelope = translation.envelope;
  const outputTokenCap = fitOutputCap(
    translation.outputTokenCap,
    requestedMaxTokens(envelope.body.value),
    endpoint.modelFacts(upstreamModel).maxOutputTokens,
  );
  const options = { ...endpoint.egressOptions(upstreamModel), outputTokenCap };
  const addedReasoning = translation.addedReasoning(endpoint.modelFacts(upstreamModel).reasoning);
  // Routing's reasoning settings are written by the hub, so the client's bytes are not forwarded.
  const passThrough =
    addedReasoning === undefined ? passThroughFor(endpoint, translation) : undefined;
  if (passThrough !== undefined) {
    return {
      body: passThrough.rewriteRequestBody(envelope, options),
      passThrough,
      droppedParameters: [],
    };
  }
  if (envelope.operation !== 'chat') {
    throw new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
      param: 'model',
      detail: `Provider ${endpoint.id} does not serve ${envelope.operation}.`,
    });
  }
  const canonical =
    addedReasoning === undefined
      ? translation.chatRequest
      : { ...translation.chatRequest, reasoning: addedReasoning };
  const prepared = prepareChatRequest(
    outputTokenCap === undefined || (canonical.maxOutputTokens ?? Infinity) <= outputTokenCap
      ? canonical
      : { ...canonical, maxOutputTokens: outputTokenCap },
    endpoint,
    upstreamModel,
  );
  return {
    body: JSON.stringify(endpoint.codec.egress.encodeRequest(prepared.request, options)),
    passThrough: undefined,
    droppedParameters: prepared.dropped,
  };
}

function readHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function refuseWithUpstreamError(
  response: UpstreamExchange,
  endpoint: ProviderEndpoint,
  nowMs: number,
): Promise<never> {
  let errorText = '';
  try {
    errorText = (await response.readAll(errorBodyLimit)).toString('utf8');
  } catch {
    // The status alone decides the error; an unreadable error body changes nothing.
  }
  throw mapUpstreamErrorResponse(
    response.status,
    response.headers,
    endpoint.codec.readErrorFacts(errorText, response.headers),
    endpoint.id,
    nowMs,
  );
}

/**
 * One attempt against one provider. Same-dialect requests forward the client's bytes (only the
 * model and what the provider variant needs change) and the answer's bytes; other requests are
 * translated through the canonical model, both ways. For streams it returns at the commit point
 * (the first content), so every failure it throws happened before the client received anything
 * and may be retried elsewhere. Throws `GatewayError`.
 */
export async function callProvider(
  endpoint: ProviderEndpoint,
  translation: RequestTranslation,
  upstreamModel: string,
  context: ProviderCallContext,
): Promise<ProviderCallResult> {
  const envelope = translation.envelope;
  const url = endpoint.url(envelope.operation, upstreamModel, envelope.stream);
  if (
    url === undefined ||
    (envelope.operation === 'count-tokens' && passThroughFor(endpoint, translation) === undefined)
  ) {
    if (envelope.operation === 'count-tokens') {
      return estimateTokenCount(translation);
    }
    throw new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
      param: 'model',
      detail: `Provider ${endpoint.id} does not serve ${envelope.operation}.`,
    });
  }
  const call = prepareCall(endpoint, translation, upstreamModel);
  const headers =
    call.passThrough === undefined ? endpoint.headers : withClientHeaders(endpoint, envelope);
  const credentials = await authorizeCall(endpoint, {
    method: 'POST',
    url,
    headers,
    body: call.body,
  });
  const response = await openUpstreamExchange(context.pool, {
    url,
    method: 'POST',
    headers:
      context.traceparent === undefined
        ? { ...headers, ...credentials }
        : { ...headers, ...credentials, traceparent: context.traceparent },
    body: call.body,
    timeouts: withDeploymentTimeouts(endpoint.timeouts, context.timeouts),
    cancellation: context.cancellation,
  });
  if (response.status >= 400 || response.status < 200) {
    return refuseWithUpstreamError(response, endpoint, context.clock.now());
  }
  const facts: CallFacts = {
    upstreamRequestId: readHeader(
      response.headers['x-request-id'] ??
        response.headers['request-id'] ??
        response.headers['x-amzn-requestid'],
    ),
    droppedParameters: call.droppedParameters,
    estimated: false,
    price: endpoint.modelFacts(upstreamModel).price,
  };
  const contentType = readHeader(response.headers['content-type']) ?? '';
  const encodeContext = {
    requestedModel: upstreamModel,
    includeUsage: envelope.clientWantsStreamUsage,
    now: context.clock.now(),
  };
  if (envelope.stream) {
    const expected = streamContentTypes[endpoint.type.framing];
    if (!contentType.toLowerCase().startsWith(expected)) {
      response.release();
      throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
        internalDetail: `provider ${endpoint.id} answered a stream request with content-type "${contentType}"`,
      });
    }
    const transformer: StreamTransformer = call.passThrough
      ? new PassThroughTransformer(
          call.passThrough.createStreamTap({
            stripUsageChunk:
              endpoint.type.quirks.streamUsageOption && !envelope.clientWantsStreamUsage,
          }),
          (error) => translation.ingress.encodeStreamError(error),
        )
      : new TranslatingTransformer(
          endpoint.codec.egress.createStreamDecoder(),
          translation.ingress.createStreamEncoder(encodeContext),
          endpoint.dialect,
          {
            guard: translation.outputGuard?.(),
            answerCheck:
              translation.answerSchemaCheck === undefined
                ? undefined
                : new StreamAnswerCheck(translation.answerSchemaCheck),
            recorder: translation.recordsAnswers ? new ChatResponseAccumulator() : undefined,
          },
        );
    const stream = await relayUpstreamStream(
      response,
      createFrameParser(endpoint.type.framing),
      transformer,
      { drainMs: context.streamDrainMs ?? 0 },
    );
    return { kind: 'stream', ...facts, ...stream };
  }
  const text = (await response.readAll(context.maxResponseBytes)).toString('utf8');
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: `provider ${endpoint.id} sent a body that is not JSON (content-type "${contentType}")`,
    });
  }
  if (call.passThrough !== undefined) {
    return {
      kind: 'complete',
      ...facts,
      contentType: 'application/json',
      body: text,
      // Counting tokens is not generation: nothing was consumed.
      usage:
        envelope.operation === 'count-tokens'
          ? undefined
          : call.passThrough.readResponseUsage(parsed.value),
      finishReasons: call.passThrough.readFinishReasons(parsed.value),
    };
  }
  let answer = tagResponseSignatures(
    endpoint.codec.egress.decodeResponse(parsed.value),
    endpoint.dialect,
  );
  const failed = answer.choices.find((choice) => choice.finishReason.unified === 'error');
  if (failed !== undefined) {
    throw modelFailure(failed.finishReason.raw);
  }
  const guard = translation.outputGuard;
  if (guard !== undefined) {
    answer = guardCompleteAnswer(answer, guard);
  }
  const check = translation.answerSchemaCheck;
  const answerSchema = check === undefined ? undefined : checkCompleteAnswer(answer, check);
  return {
    kind: 'complete',
    ...facts,
    contentType: 'application/json',
    body: translation.ingress.encodeResponse(answer, encodeContext),
    usage: answer.usage,
    finishReasons: finishReasonsOf(answer),
    answerSchema,
    answer: translation.recordsAnswers ? answer : undefined,
  };
}

/**
 * The credential headers for one request. A failure to obtain them (a token endpoint refusing or
 * unreachable) is an upstream authentication error, which may fall back to another target; its
 * detail goes to the log only.
 */
async function authorizeCall(
  endpoint: ProviderEndpoint,
  request: Parameters<ProviderEndpoint['authorizer']['authorize']>[0],
): Promise<Readonly<Record<string, string>>> {
  try {
    const authorization = endpoint.authorizer.authorize(request);
    return authorization instanceof Promise ? await authorization : authorization;
  } catch (error) {
    throw new GatewayError('SB_ERR_UPSTREAM_AUTH', {
      internalDetail: `provider ${endpoint.id}: credentials unavailable (${error instanceof Error ? error.message : String(error)})`,
      cause: error,
    });
  }
}

/**
 * A complete answer through the answer guard: every text part checked as one stream would be.
 * Throws `SB_ERR_POLICY_DENIED` when the guard blocks it (nothing has reached the client).
 */
function guardCompleteAnswer(
  answer: ChatResponse,
  createGuard: () => StreamEventFilter,
): ChatResponse {
  return {
    ...answer,
    choices: answer.choices.map((choice) => ({
      ...choice,
      content: choice.content.map((part, index) => {
        if (part.type !== 'text') return part;
        const guard = createGuard();
        const steps = [
          guard.push({ type: 'text-delta', choice: choice.index, part: index, delta: part.text }),
          guard.end(),
        ];
        if (steps.some((step) => step.blocked)) {
          throw new GatewayError('SB_ERR_POLICY_DENIED', {
            detail: 'The answer was stopped by policy.',
          });
        }
        const text = steps
          .flatMap((step) => step.events)
          .map((event) => (event.type === 'text-delta' ? event.delta : ''))
          .join('');
        return { ...part, text };
      }),
    })),
  };
}

/** The provider's headers plus the client headers it accepts that the client sent. */
function withClientHeaders(
  endpoint: ProviderEndpoint,
  envelope: RequestTranslation['envelope'],
): Readonly<Record<string, string>> {
  const sent = envelope.forwardedHeaders;
  if (sent === undefined || endpoint.type.quirks.clientHeaders.length === 0) {
    return endpoint.headers;
  }
  const headers = { ...endpoint.headers };
  for (const name of endpoint.type.quirks.clientHeaders) {
    const value = sent[name];
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  return headers;
}

/**
 * Answers a token count for a target that cannot count (another dialect): the gateway's own
 * estimate from the canonical request, marked as estimated.
 */
function estimateTokenCount(translation: RequestTranslation): ProviderCallResult {
  const ingress = translation.ingress;
  if (ingress.encodeTokenCount === undefined) {
    throw new GatewayError('SB_ERR_INTERNAL', {
      internalDetail: 'token counting on a dialect without a token-count body',
    });
  }
  return {
    kind: 'complete',
    upstreamRequestId: undefined,
    droppedParameters: [],
    estimated: true,
    price: undefined,
    contentType: 'application/json',
    body: ingress.encodeTokenCount(estimateInputTokens(translation.chatRequest)),
    usage: undefined,
  };
}

/** The provider's timeouts with a deployment's idle and total limits over them. */
function withDeploymentTimeouts(
  timeouts: ProviderEndpoint['timeouts'],
  overrides: ProviderCallContext['timeouts'],
): ProviderEndpoint['timeouts'] {
  if (overrides?.idleMs === undefined && overrides?.totalMs === undefined) {
    return timeouts;
  }
  return {
    ...timeouts,
    idleMs: overrides.idleMs ?? timeouts.idleMs,
    totalMs: overrides.totalMs ?? timeouts.totalMs,
  };
}
