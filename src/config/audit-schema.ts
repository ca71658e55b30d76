import { z } from 'zod';
import type { AuditConfig } from './gateway-config.ts';

/** `audit:`: the tamper-evident audit trail (docs/audit.md). */
export const auditSchema = z.strictObject({
  enabled: z
    .boolean()
    .optional()
    .describe(
      'Record every request decision, admin action and configuration change in the chained log. Default true.',
    ),
  checkpoint_every_records: z
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('Sign a checkpoint after this many new records. Default 1000.'),
  checkpoint_every_seconds: z
    .int()
    .min(1)
    .max(86_400)
    .optional()
    .describe('Sign a checkpoint at least this often while the log grows. Default 60.'),
  payloads: z
    .strictObject({
      retention_days: z
        .number()
        .positive()
        .max(36_500)
        .describe(
          'Payloads older than this are purged, a whole checkpoint interval at a time, and the purge is audited.',
        ),
      max_bytes: z
        .int()
        .min(1024)
        .max(16 * 1024 * 1024)
        .optional()
        .describe(
          'Bytes kept of each request and of each answer; the rest is cut and marked. Default 1 MiB.',
        ),
    })
    .optional()
    .describe(
      'Keep the request as sent upstream (after redaction) and the answer as delivered, encrypted with a key per organisation (needs SIGNALBOX_ENCRYPTION_KEY). Off by default.',
    ),
});

export type AuditFileSection = z.infer<typeof auditSchema>;

const defaultPayloadBytes = 1024 * 1024;
const millisecondsPerDay = 86_400_000;

/** The audit trail's settings with defaults applied. Pure. */
export function resolveAuditConfig(section: AuditFileSection | undefined): AuditConfig {
  const payloads = section?.payloads;
  return {
    enabled: section?.enabled ?? true,
    checkpointEveryRecords: section?.checkpoint_every_records ?? 1000,
    checkpointEveryMs: (section?.checkpoint_every_seconds ?? 60) * 1000,
    payloads:
      payloads === undefined
        ? undefined
        : {
            retentionMs: Math.round(payloads.retention_days * millisecondsPerDay),
            maxBytes: payloads.max_bytes ?? defaultPayloadBytes,
          },
  };
}
