import { z } from 'zod';
import { secretReference } from './secret-reference-schema.ts';

/** `storage:`: where keys, the ledger and shared counters live. */
export const storageSchema = z
  .strictObject({
    backend: z
      .enum(['sqlite', 'postgres'])
      .optional()
      .describe(
        'Where virtual keys live: sqlite (in state_dir, the default) or postgres (shared by replicas).',
      ),
    postgres_url: secretReference
      .optional()
      .describe('PostgreSQL connection URL, as a secret reference (it may hold a password).'),
    postgres_schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase schema name')
      .optional()
      .describe("Schema for Signalbox tables (must exist). Default: the connection's search path."),
    redis_url: secretReference
      .optional()
      .describe(
        'Redis connection URL for rate limits and budget counters shared by replicas, as a secret reference. Default: limits are kept in each process and budget counters beside the ledger in the database.',
      ),
    redis_key_prefix: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Prefix of every Signalbox key in Redis (budget keys add budget:). Default signalbox:rate-limit: for limits, signalbox:budget: for budgets.',
      ),
    replicas: z
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        'How many replicas share the limits; while Redis is unreachable each process enforces 1/replicas of every limit. Default 1.',
      ),
  })
  .superRefine((storage, context) => {
    if (storage.backend === 'postgres' && storage.postgres_url === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['postgres_url'],
        message: 'is required with backend: postgres',
      });
    }
    if (storage.backend !== 'postgres' && storage.postgres_url !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['backend'],
        message: 'must be postgres when postgres_url is set',
      });
    }
  })
  .describe('Storage backend for shared state.');
