import { z } from 'zod';
import { configurableFallbackClasses } from '../routing/error-class.ts';

const milliseconds = (maximum: number) => z.int().positive().max(maximum);

export const fallbackClassSchema = z.enum(configurableFallbackClasses);

export const retriesSchema = z
  .strictObject({
    max_retries: z
      .int()
      .min(0)
      .max(5)
      .optional()
      .describe('Retries on the same deployment after a retryable failure. Default 1.'),
    initial_delay_ms: milliseconds(60_000)
      .optional()
      .describe('Cap of the first backoff; each retry doubles it (full jitter). Default 250.'),
    max_delay_ms: milliseconds(300_000).optional().describe('Largest backoff. Default 8000.'),
    retry_after_cap_ms: z
      .int()
      .min(0)
      .max(600_000)
      .optional()
      .describe(
        'Longest Retry-After honoured by waiting; a longer one falls back at once instead. Default 30000.',
      ),
    budget_ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Retries allowed per first attempt, over a 10 s window; at most 1, so retries never more than double upstream load. Default 0.2.',
      ),
    min_retries_per_second: z
      .number()
      .min(0)
      .max(1000)
      .optional()
      .describe(
        'Retries always allowed per second, whatever the ratio (for low traffic). Default 2.',
      ),
  })
  .describe('Retries with exponential backoff and full jitter, bounded by a retry budget.');

export const breakerSchema = z
  .strictObject({
    window_ms: milliseconds(600_000)
      .optional()
      .describe('Window over which the failure rate is measured. Default 30000.'),
    min_requests: z
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('Requests needed in the window before the breaker may open. Default 10.'),
    failure_rate: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('Failure share that opens the breaker. Default 0.5.'),
    open_ms: milliseconds(3_600_000)
      .optional()
      .describe(
        'How long an open breaker refuses traffic before letting a probe through. Default 30000.',
      ),
    half_open_probes: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Successful probes needed to close the breaker again. Default 1.'),
  })
  .describe('Per-deployment circuit breaker.');

export const routingDefaultsSchema = z
  .strictObject({
    retries: retriesSchema.optional(),
    breaker: breakerSchema.optional(),
    cooldown_ms: z
      .int()
      .min(0)
      .max(3_600_000)
      .optional()
      .describe(
        'How long a rate-limited deployment is skipped when the provider gave no Retry-After. Default 5000.',
      ),
    fallback_on: z
      .array(fallbackClassSchema)
      .optional()
      .describe(
        'Failure classes that fall back to the next target. Default: all but content-policy and rejected.',
      ),
  })
  .describe('Routing defaults for every model group.');

export type RoutingDefaultsEntry = z.infer<typeof routingDefaultsSchema>;
