import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ModelOperation } from '../../canonical/model-operation.ts';
import { requestedMaxTokens } from '../../canonical/requested-max-tokens.ts';
import type { AttemptTrace, AttemptTraceEnd, AttemptTraceStart } from '../../lib/request-trace.ts';
import type { RequestRecord } from '../request-record.ts';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SIGNALBOX_ATTEMPT,
  ATTR_SIGNALBOX_CACHE,
  ATTR_SIGNALBOX_COST_USD,
  ATTR_SIGNALBOX_DEPLOYMENT,
  ATTR_SIGNALBOX_OUTCOME,
  ATTR_SIGNALBOX_REQUEST_ID,
  ATTR_SIGNALBOX_RETRY,
  ATTR_SIGNALBOX_ROUTE_REASON,
  ATTR_URL_PATH,
} from './gen-ai-attributes.ts';
import { genAiProviderName } from './gen-ai-provider-name.ts';
import type { HttpTracer, RequestSpan } from './http-tracer.ts';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/** `gen_ai.operation.name` of each model operation (counting tokens has no well-known value). */
const operationNames: Readonly<Record<ModelOperation, string>> = {
  chat: 'chat',
  embeddings: 'embeddings',
  'count-tokens': 'count_tokens',
};

/** Sets the attributes whose values are defined (OpenTelemetry drops undefined ones anyway). */
function setDefined(span: Span, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) span.setAttribute(name, value);
  }
}

/** `https://host:port` as `server.address` and `server.port` (the scheme's port when unset). */
function serverAttributes(origin: string): Attributes {
  if (origin === '') return {};
  try {
    const url = new URL(origin);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return { [ATTR_SERVER_ADDRESS]: url.hostname, [ATTR_SERVER_PORT]: port };
  } catch {
    return {};
  }
}

/** The CLIENT span of one upstream attempt. */
class OtelAttemptTrace implements AttemptTrace {
  readonly traceparent: string;
  readonly #span: Span;
  readonly #model: string;
  #ended = false;

  constructor(span: Span, model: string) {
    this.#span = span;
    this.#model = model;
    const context = span.spanContext();
    // Only the sampled flag travels: the provider learns nothing else about the caller's trace.
    const sampled = (context.traceFlags & TraceFlags.SAMPLED) !== 0;
    this.traceparent = `00-${context.traceId}-${context.spanId}-${sampled ? '01' : '00'}`;
  }

  end(outcome: AttemptTraceEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    if (span.isRecording()) {
      setDefined(span, {
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: outcome.inputTokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: outcome.outputTokens,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: outcome.upstreamStatus,
      });
      if (outcome.errorCode === undefined) {
        span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, this.#model);
      } else {
        span.setAttribute(ATTR_ERROR_TYPE, outcome.errorCode);
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorCode });
      }
    }
    span.end();
  }
}

/** The SERVER span of one request. */
class OtelRequestSpan implements RequestSpan {
  readonly traceId: string | undefined;
  route: string | undefined;
  readonly #tracer: Tracer;
  readonly #span: Span;
  readonly #context: Context;
  readonly #method: string;
  #operation: string | undefined;
  #ended = false;

  constructor(tracer: Tracer, method: string, path: string, headers: IncomingHttpHeaders) {
    this.#tracer = tracer;
    this.#method = method;
    // A malformed traceparent is ignored by the propagator: the request starts a new trace.
    const parent =
      headers.traceparent === undefined
        ? ROOT_CONTEXT
        : propagator.extract(ROOT_CONTEXT, headers, headerGetter);
    this.#span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path },
      },
      parent,
    );
    this.#context = trace.setSpan(ROOT_CONTEXT, this.#span);
    this.traceId = this.#span.isRecording() ? this.#span.spanContext().traceId : undefined;
  }

  modelRequest(
    operation: ModelOperation,
    model: string,
    body: Readonly<Record<string, unknown>>,
  ): void {
    this.#operation = operationNames[operation];
    if (!this.#span.isRecording()) return;
    const temperature = body.temperature;
    setDefined(this.#span, {
      [ATTR_GEN_AI_OPERATION_NAME]: this.#operation,
      [ATTR_GEN_AI_REQUEST_MODEL]: model,
      [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: requestedMaxTokens(body),
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: typeof temperature === 'number' ? temperature : undefined,
    });
  }

  startAttempt(start: AttemptTraceStart): AttemptTrace {
    const operation = this.#operation ?? 'chat';
    const span = this.#tracer.startSpan(
      `${operation} ${start.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: operation,
          [ATTR_GEN_AI_PROVIDER_NAME]: genAiProviderName(start.providerType),
          [ATTR_GEN_AI_REQUEST_MODEL]: start.model,
          [ATTR_SIGNALBOX_DEPLOYMENT]: start.deployment,
          [ATTR_SIGNALBOX_ATTEMPT]: start.position,
          [ATTR_SIGNALBOX_RETRY]: start.retry,
          ...serverAttributes(start.origin),
        },
      },
      this.#context,
    );
    return new OtelAttemptTrace(span, start.model);
  }

  end(record: RequestRecord): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    if (span.isRecording()) {
      const operation = this.#operation;
      span.updateName(
        operation !== undefined && record.requestedModel !== undefined
          ? `${operation} ${record.requestedModel}`
          : this.route === undefined
            ? this.#method
            : `${this.#method} ${this.route}`,
      );
      const failed = record.errorCode !== undefined;
      setDefined(span, {
        [ATTR_HTTP_ROUTE]: this.route,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: record.status,
        [ATTR_SIGNALBOX_REQUEST_ID]: record.requestId,
        [ATTR_SIGNALBOX_OUTCOME]: record.outcome,
        [ATTR_ERROR_TYPE]: record.errorCode,
      });
      if (operation !== undefined) {
        setDefined(span, {
          [ATTR_GEN_AI_RESPONSE_MODEL]: record.upstreamModel,
          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: record.usage?.inputTokens.total,
          [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: record.usage?.outputTokens.total,
          [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]:
            record.finishReasons.length > 0 ? [...record.finishReasons] : undefined,
          [ATTR_SIGNALBOX_DEPLOYMENT]: record.deployment,
          [ATTR_SIGNALBOX_ROUTE_REASON]: record.routeReason,
          [ATTR_SIGNALBOX_COST_USD]: record.costUsd,
          [ATTR_SIGNALBOX_CACHE]: record.cache?.status,
        });
      }
      // HTTP server conventions: only server errors mark the span as failed, not a client's 4xx.
      if (failed && (record.status >= 500 || record.outcome === 'upstream-error')) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCode });
      }
    }
    span.end();
  }
}

/**
 * The OpenTelemetry implementation of `HttpTracer` over a tracer from the SDK. Health probes and
 * metrics scrapes are not traced (they would outnumber real requests). Spans carry no prompts, answers, keys or
 * header values: only model names, counts, codes and ids.
 */
export function createOtelHttpTracer(tracer: Tracer, shutdown: () => Promise<void>): HttpTracer {
  return {
    startRequest(method, path, headers) {
      if (path.startsWith('/health/') || path === '/metrics') return undefined;
      return new OtelRequestSpan(tracer, method, path, headers);
    },
    shutdown,
  };
}
