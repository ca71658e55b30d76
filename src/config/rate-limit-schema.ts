import { z } from 'zod';

/** One entry of `limits:`: a request and/or token rate per minute for a key, team or model. */
export const rateLimitSchema = z
  .strictObject({
    scope: z
      .enum(['key', 'team', 'model', 'deployment'])
      .describe(
        'What the limit counts: each key, each team, each requested model, or each deployment (checked per attempt: a deployment at its limit is skipped for the next one in the plan).',
      ),
    rpm: z.int().min(1).max(1_000_000_000).optional().describe('Requests per minute.'),
    tpm: z
      .int()
      .min(1)
      .max(1_000_000_000_000)
      .optional()
      .describe('Tokens per minute (estimated input plus expected output, corrected by usage).'),
    max_concurrent: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('Requests in flight at once (a stream counts until it ends).'),
    burst: z
      .int()
      .min(1)
      .max(1_000_000_000)
      .optional()
      .describe('Requests admitted at once under rpm. Default: rpm (a full minute at once).'),
    match: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Only this key id, team id, model (alias or provider/model) or deployment id (as GET /admin/deployments lists it). Default: every one, each separately.',
      ),
  })
  .superRefine((limit, context) => {
    if (limit.rpm === undefined && limit.tpm === undefined && limit.max_concurrent === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['rpm'],
        message: 'set rpm, tpm, max_concurrent or several',
      });
    }
    if (limit.burst !== undefined && limit.rpm === undefined) {
      context.addIssue({ code: 'custom', path: ['burst'], message: 'needs rpm' });
    }
  })
  .describe('A request or token rate limit.');

export type RateLimitEntry = z.infer<typeof rateLimitSchema>;

/**
 * Adds one issue per limit with the same scope and match as an earlier one: their counters
 * would share a key, so they must be merged into one entry.
 */
export function checkRateLimits(limits: readonly RateLimitEntry[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  limits.forEach((limit, index) => {
    const scope = `${limit.scope} ${limit.match ?? '*'}`;
    if (seen.has(scope)) {
      context.addIssue({
        code: 'custom',
        path: ['limits', index, 'match'],
        message: 'another limit has the same scope and match; merge them',
      });
    }
    seen.add(scope);
  });
}
