import type { TracingConfig } from '../config/gateway-config.ts';
import type { Logger } from '../observability/logger.ts';
import type { HttpTracer } from '../observability/tracing/http-tracer.ts';

/**
 * Starts tracing when `tracing:` is configured, else returns undefined. The OpenTelemetry SDK is
 * imported only here, on demand, so a gateway without tracing never loads it and its request
 * path makes no spans at all.
 */
export async function startConfiguredTracing(
  config: TracingConfig | undefined,
  logger: Logger,
): Promise<HttpTracer | undefined> {
  if (config === undefined) {
    return undefined;
  }
  const { startTracing } = await import('../observability/tracing/start-tracing.ts');
  const headers: Record<string, string> = {};
  for (const [name, value] of config.headers) {
    headers[name] = value.reveal();
  }
  const tracer = startTracing(
    {
      endpoint: config.otlpEndpoint,
      headers,
      serviceName: config.serviceName,
      sampleRatio: config.sampleRatio,
      timeoutMs: config.timeoutMs,
    },
    logger,
  );
  logger.info(
    { endpoint: config.otlpEndpoint, sampleRatio: config.sampleRatio },
    'tracing: exporting spans over OTLP/HTTP',
  );
  return tracer;
}

/** Whether two `tracing:` settings differ (they apply only on restart). */
export function tracingSettingsChanged(
  before: TracingConfig | undefined,
  after: TracingConfig | undefined,
): boolean {
  const comparable = (config: TracingConfig | undefined): string =>
    JSON.stringify(
      config === undefined
        ? null
        : {
            ...config,
            headers: [...config.headers].map(([name, value]) => [name, value.reveal()]),
          },
    );
  return comparable(before) !== comparable(after);
}
