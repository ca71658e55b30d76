import { collectDefaultMetrics, Registry } from 'prom-client';
import type { RequestRecord } from '../request-record.ts';
import { LabelBounds, type KnownNames } from './label-bounds.ts';
import { recordRequestMetrics } from './record-request-metrics.ts';
import { SeriesCounter, SeriesHistogram } from './series-metrics.ts';
import { registerLiveStateMetrics, type LiveStateSources } from './live-state-metrics.ts';

/** What the metrics are built from; every label value is bounded by one of these. */
export interface GatewayMetricsOptions extends LiveStateSources {
  /** The error catalogue's codes; any other code is counted as `other`. */
  readonly errorCodes: readonly string[];
  /**
   * The configured names (models, aliases, deployments, providers) a model or provider label may
   * take; called often, so it should return the same object until the configuration changes.
   */
  readonly knownNames: () => KnownNames;
  /** The route pattern of a request (`/admin/keys/:id`), or undefined for an unknown path. */
  readonly routeOf: (method: string, path: string) => string | undefined;
  /** Also export the process metrics (`process_*`, `nodejs_*`). Default true. */
  readonly processMetrics?: boolean;
}

// OpenTelemetry GenAI semantic conventions' advisory bucket boundaries.
const operationDurationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const timeToFirstTokenBuckets = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
// The gateway's own time is expected in the sub-millisecond to few-millisecond range.
const overheadBuckets = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const lintFailingDefaultMetrics = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const genAiModelLabels = [
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
] as const;

/** The metrics, each keeping its series by label values; label sets are in docs/observability.md. */
export interface GatewayMetricSet {
  readonly requests: SeriesCounter;
  readonly errors: SeriesCounter;
  readonly requestDuration: SeriesHistogram;
  readonly overhead: SeriesHistogram;
  readonly operationDuration: SeriesHistogram;
  readonly tokenUsage: SeriesHistogram;
  readonly timeToFirstToken: SeriesHistogram;
  readonly tokens: SeriesCounter;
  readonly cost: SeriesCounter;
  readonly cacheLookups: SeriesCounter;
  readonly cacheSaved: SeriesCounter;
  readonly reroutes: SeriesCounter;
  readonly attempts: SeriesCounter;
  readonly rateLimitRejections: SeriesCounter;
  readonly policyDecisions: SeriesCounter;
}

/**
 * Signalbox's Prometheus metrics in their own registry: request counters and latency histograms
 * fed from finished request records, and live gauges (circuit breakers, budgets) read at scrape
 * time. Every label takes values from a bounded set (configured names, the error catalogue, route
 * patterns, fixed enumerations); anything else becomes `other`.
 */
export class GatewayMetrics {
  readonly registry: Registry;
  readonly metrics: GatewayMetricSet;
  readonly #bounds: LabelBounds;

  constructor(options: GatewayMetricsOptions) {
    const registry = new Registry();
    this.registry = registry;
    this.#bounds = new LabelBounds(options.knownNames, options.errorCodes, options.routeOf);
    const registers = [registry];
    this.metrics = {
      requests: new SeriesCounter({
        name: 'signalbox_requests_total',
        help: 'Finished HTTP requests, by route pattern, status class and outcome.',
        labelNames: ['route', 'status_class', 'outcome'],
        registers,
      }),
      errors: new SeriesCounter({
        name: 'signalbox_errors_total',
        help: 'Requests that ended with a Signalbox error code, by code.',
        labelNames: ['error_code'],
        registers,
      }),
      requestDuration: new SeriesHistogram({
        name: 'signalbox_request_duration_seconds',
        help: "Time from a request's arrival to its last byte written, by route pattern.",
        labelNames: ['route'],
        buckets: durationBuckets,
        registers,
      }),
      overhead: new SeriesHistogram({
        name: 'signalbox_gateway_overhead_seconds',
        help: "The gateway's own time: arrival to first response byte, minus time spent in upstream attempts.",
        labelNames: ['route'],
        buckets: overheadBuckets,
        registers,
      }),
      operationDuration: new SeriesHistogram({
        name: 'gen_ai_client_operation_duration_seconds',
        help: 'GenAI operation duration (model requests, arrival to last byte).',
        labelNames: [...genAiModelLabels, 'error_type'],
        buckets: operationDurationBuckets,
        registers,
      }),
      tokenUsage: new SeriesHistogram({
        name: 'gen_ai_client_token_usage',
        help: 'Tokens used per model request, by token type (input, output).',
        labelNames: [...genAiModelLabels, 'gen_ai_token_type'],
        buckets: tokenBuckets,
        registers,
      }),
      timeToFirstToken: new SeriesHistogram({
        name: 'gen_ai_server_time_to_first_token_seconds',
        help: "Streams: time from the request's arrival to its first body chunk written.",
        labelNames: [...genAiModelLabels],
        buckets: timeToFirstTokenBuckets,
        registers,
      }),
      tokens: new SeriesCounter({
        name: 'signalbox_tokens_total',
        help: 'Tokens used, by requested model and type (input, output, cache_read, cache_write, reasoning).',
        labelNames: ['model', 'type'],
        registers,
      }),
      cost: new SeriesCounter({
        name: 'signalbox_cost_usd_total',
        help: 'Spend at list price in US dollars, by provider and requested model.',
        labelNames: ['provider', 'model'],
        registers,
      }),
      cacheLookups: new SeriesCounter({
        name: 'signalbox_cache_lookups_total',
        help: 'Response cache outcomes: exact_hit, semantic_hit, miss, bypass.',
        labelNames: ['result'],
        registers,
      }),
      cacheSaved: new SeriesCounter({
        name: 'signalbox_cache_saved_usd_total',
        help: 'What answers served from the response cache cost when first produced, in US dollars.',
        registers,
      }),
      reroutes: new SeriesCounter({
        name: 'signalbox_reroutes_total',
        help: 'Requests served after more than one attempt: kind retry (same deployment) or fallback.',
        labelNames: ['kind'],
        registers,
      }),
      attempts: new SeriesCounter({
        name: 'signalbox_upstream_attempts_total',
        help: 'Attempts against deployments, by provider and outcome (success, failure, skipped).',
        labelNames: ['provider', 'outcome'],
        registers,
      }),
      rateLimitRejections: new SeriesCounter({
        name: 'signalbox_rate_limit_rejections_total',
        help: 'Requests refused by a rate limit, by scope (gateway, burst, deployment, upstream).',
        labelNames: ['scope'],
        registers,
      }),
      policyDecisions: new SeriesCounter({
        name: 'signalbox_policy_decisions_total',
        help: 'Policy decisions on model requests: permit, redact (permitted after redaction), deny.',
        labelNames: ['decision'],
        registers,
      }),
    };
    // Every catalogued code starts at zero, so rate() sees a code's first error.
    for (const code of [...options.errorCodes, 'other']) this.metrics.errors.labels(code).inc(0);
    registerLiveStateMetrics(registry, options);
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: registry });
      // Gauges named like counters fail `promtool check metrics`; the per-type gauges without
      // the suffix (nodejs_active_handles, nodejs_active_resources) carry the same numbers.
      for (const name of lintFailingDefaultMetrics) registry.removeSingleMetric(name);
    }
  }

  /** Counts one finished request. Never throws; call it after the answer was sent. */
  record(record: RequestRecord): void {
    recordRequestMetrics(this.metrics, this.#bounds, record);
  }

  /** The exposition text of this process's registry. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
