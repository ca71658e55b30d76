/**
 * The tracing port routing reports upstream attempts through. Routing may not import the
 * observability layer, so the port lives here; `src/observability/tracing/` implements it with
 * OpenTelemetry. When tracing is off no `RequestTrace` exists and routing calls nothing.
 */

/** What is known about an upstream attempt when it starts. Never a secret, never a prompt. */
export interface AttemptTraceStart {
  /** The deployment id (`<provider>/<model>` or its configured name). */
  readonly deployment: string;
  /** The provider type (`openai`, `anthropic`, `bedrock`, ...), not the configured provider id. */
  readonly providerType: string;
  /** The model the provider is asked for. */
  readonly model: string;
  /** The provider's origin, such as `https://api.openai.com`. */
  readonly origin: string;
  /** The attempt's position in the request's attempt list, from 1. */
  readonly position: number;
  /** 0 for the first try on this deployment, 1 for its first retry, and so on. */
  readonly retry: number;
}

/** How an upstream attempt ended. */
export interface AttemptTraceEnd {
  /** The catalogue code of the failure (`SB_ERR_...`); undefined when the attempt succeeded. */
  readonly errorCode?: string | undefined;
  /** The provider's HTTP status, when it answered with an error. */
  readonly upstreamStatus?: number | undefined;
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
}

/** One upstream attempt being traced. */
export interface AttemptTrace {
  /** The W3C `traceparent` to send with the upstream request (the attempt's own span). */
  readonly traceparent: string;
  /** Ends the attempt's span; later calls do nothing. */
  end(outcome: AttemptTraceEnd): void;
}

/** A traced request, as routing sees it: where its upstream attempts are started. */
export interface RequestTrace {
  /** Starts the span of one upstream attempt, a child of the request's span. Never throws. */
  startAttempt(start: AttemptTraceStart): AttemptTrace;
}
