import { z } from 'zod';
import { secretReferencePattern } from './secret-reference-schema.ts';
import { headerNameSchema, httpUrlSchema } from './http-url-schema.ts';

/**
 * Header names whose values must be secret references: the same rule as provider headers
 * (`credentialHeaderPattern` in config-schema.ts), plus the usual vendor spellings of a
 * collector's ingest key.
 */
const credentialHeaderPattern =
  /^(authorization|proxy-authorization|cookie|api-key|x-api-key|.*-token|.*-secret|.*-key|.*-team)$/i;

const collectorUrl = httpUrlSchema({
  credentialsHint: 'put them in headers as a secret reference',
  allowQuery: true,
});

/** `tracing:`: OpenTelemetry traces exported over OTLP/HTTP (docs/observability.md). */
export const tracingSchema = z
  .strictObject({
    otlp_endpoint: collectorUrl.describe(
      "The collector's OTLP/HTTP traces URL, such as http://127.0.0.1:4318/v1/traces (spans are sent as JSON).",
    ),
    headers: z
      .record(headerNameSchema, z.string().min(1).max(8192))
      .optional()
      .describe(
        'Headers sent with every export (a vendor ingest key, a tenant id); credentials as secret references such as ${env:OTEL_TOKEN}.',
      ),
    service_name: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('The `service.name` resource attribute. Default signalbox.'),
    sample_ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "Share of new traces recorded (0..1). A client's traceparent decides for its own trace (parent-based). Default 1.",
      ),
    timeout_ms: z
      .int()
      .positive()
      .max(120_000)
      .optional()
      .describe('Time allowed for one export request. Default 10 s.'),
  })
  .superRefine((tracing, context) => {
    for (const [name, value] of Object.entries(tracing.headers ?? {})) {
      if (credentialHeaderPattern.test(name) && !secretReferencePattern.test(value)) {
        context.addIssue({
          code: 'custom',
          path: ['headers', name],
          message:
            'carries a credential, so its value must be a secret reference such as ${env:NAME}',
        });
      }
    }
  });

export type TracingEntry = z.infer<typeof tracingSchema>;
