import type { Gateway } from '../gateway/gateway.ts';
import type { RequestLogAccess } from '../gateway/request-log-access.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { RequestRecordListener } from '../observability/request-record.ts';
import type { HttpTracer } from '../observability/tracing/http-tracer.ts';
import type { MetricsExposition } from '../observability/metrics/cluster-metrics.ts';

/** What the HTTP layer is built from. */
export interface HttpDependencies {
  readonly gateway: Gateway;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Largest request body accepted, in bytes (read once per request, so reloads apply). */
  readonly maxBodyBytes: () => number;
  /**
   * How long an answer may wait on a client that reads none of it before the connection is cut
   * (`server.send_stall_ms`); unset: no limit.
   */
  readonly sendStallMs?: () => number;
  /**
   * Bytes of each request and answer kept for the audit trail's payload retention; undefined
   * when it is off (nothing is kept).
   */
  readonly payloadCaptureBytes?: number | undefined;
  /** Called once for every finished request. */
  readonly onRequestRecord: RequestRecordListener;
  /** The request log (`/admin/requests`); undefined when `request_log.enabled` is false. */
  readonly requestLog?: RequestLogAccess | undefined;
  /** Makes each request's trace span; undefined when tracing is off (no spans at all). */
  readonly tracer?: HttpTracer | undefined;
  /** What `GET /metrics` serves; undefined: the route answers 404. */
  readonly metrics?: MetricsExposition | undefined;
}
