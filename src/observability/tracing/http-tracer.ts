import type { IncomingHttpHeaders } from 'node:http';
import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { RequestTrace } from '../../lib/request-trace.ts';
import type { RequestRecord } from '../request-record.ts';

/**
 * The tracing the HTTP layer sees. Only an implementation exists when `tracing:` is configured
 * (see `start-tracing.ts`); without it the dispatcher holds undefined and makes no spans at all.
 * Types only: importing this file loads no OpenTelemetry code.
 */
export interface HttpTracer {
  /**
   * Starts the SERVER span of a request that has just arrived, a child of the client's W3C
   * `traceparent` when it sent a valid one. Undefined for requests that are not traced (health
   * probes, metrics scrapes). Never throws.
   */
  startRequest(method: string, path: string, headers: IncomingHttpHeaders): RequestSpan | undefined;
  /** Exports the spans still waiting and stops; later spans are dropped. Never rejects. */
  shutdown(): Promise<void>;
}

/** The span of one request; also where its upstream attempts are started. */
export interface RequestSpan extends RequestTrace {
  /** The trace id, when the trace is recorded (sampled); for the access log. */
  readonly traceId: string | undefined;
  /** The matched route's pattern (`/admin/keys/:id`), once the dispatcher knows it. */
  route: string | undefined;
  /** Records what a model request asks for (operation, model, a few cheap parameters). */
  modelRequest(
    operation: ModelOperation,
    model: string,
    body: Readonly<Record<string, unknown>>,
  ): void;
  /** Sets the outcome from the request's record and ends the span. Later calls do nothing. */
  end(record: RequestRecord): void;
}
