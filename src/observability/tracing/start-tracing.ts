import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import type { Logger } from '../logger.ts';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from './gen-ai-attributes.ts';
import type { HttpTracer } from './http-tracer.ts';
import { createOtelHttpTracer } from './otel-http-tracer.ts';

/** What tracing is started with (the resolved `tracing:` section, secrets revealed). */
export interface TracingOptions {
  /** The collector's OTLP/HTTP traces URL. */
  readonly endpoint: string;
  /** Sent with every export (they may hold an ingest key: never logged). */
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  readonly serviceVersion?: string | undefined;
  /** Share of new root traces recorded, 0..1; a client's sampling decision is followed. */
  readonly sampleRatio: number;
  /** Time allowed for one export request. */
  readonly timeoutMs: number;
  /** Longest a finished span waits before it is exported. Default 5 s. */
  readonly exportDelayMs?: number;
}

/**
 * An exporter that tells the log when exports start failing and when they work again (once per
 * change, not per batch), so a wrong endpoint or key is noticed without flooding the log.
 */
function reportingExporter(exporter: SpanExporter, logger: Logger): SpanExporter {
  let failing = false;
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          if (failing) logger.info('trace export works again');
          failing = false;
        } else if (!failing) {
          failing = true;
          logger.warn(
            { error: result.error?.message, spans: spans.length },
            'trace export failed; spans are dropped until the collector accepts them',
          );
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/**
 * Starts OpenTelemetry tracing: a tracer provider of its own (nothing global is registered, so
 * other code in the process is unaffected), parent-based ratio sampling, and a batch processor
 * exporting to the collector over OTLP/HTTP with JSON bodies. Spans are exported in the
 * background; export failures never reach requests. Loaded only when `tracing:` is configured.
 */
export function startTracing(options: TracingOptions, logger: Logger): HttpTracer {
  const exporter = new OTLPTraceExporter({
    url: options.endpoint,
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMs,
  });
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion === undefined
          ? {}
          : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
      }),
    ),
    sampler: new ParentBasedSampler({
      root:
        options.sampleRatio >= 1
          ? new AlwaysOnSampler()
          : new TraceIdRatioBasedSampler(options.sampleRatio),
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: reportingExporter(exporter, logger),
        exportTimeoutMillis: options.timeoutMs,
        scheduledDelayMillis: options.exportDelayMs ?? 5000,
      }),
    ],
  });
  const tracer = provider.getTracer('signalbox', options.serviceVersion);
  return createOtelHttpTracer(tracer, () =>
    provider.shutdown().catch((error: unknown) => {
      logger.warn(
        { error: error instanceof Error ? error.message : 'Error' },
        'spans could not be exported at shutdown',
      );
    }),
  );
}
