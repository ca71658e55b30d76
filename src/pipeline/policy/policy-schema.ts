import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lowercase name of letters, digits, _ . -');
const label = z.string().min(1).max(128);
const labels = z.array(label).min(1).max(256);
const dataClass = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a data class name such as email or payment_card');

/** Who a rule is about; every field given must match (any one value within a field). */
const identitySchema = z.strictObject({
  roles: z
    .array(z.enum(['admin', 'team_admin', 'member', 'viewer', 'service']))
    .min(1)
    .optional(),
  teams: labels.optional(),
  users: labels.optional(),
  orgs: labels.optional(),
  key_tags: labels.optional().describe('Any of these tags on the calling key.'),
});

/** Deployment attributes a restriction allows, or a `deny` with a target forbids. */
const targetSchema = z
  .strictObject({
    providers: labels.optional(),
    regions: labels.optional(),
    deployment_tags: labels.optional().describe('Every one of these tags.'),
  })
  .refine((target) => Object.keys(target).length > 0, 'name providers, regions or deployment_tags');

const whenSchema = z.strictObject({
  identity: identitySchema.optional(),
  data_classes: z.array(dataClass).min(1).max(64).optional().describe('Any of these was found.'),
  injection_score_at_least: z.number().min(0).max(1).optional(),
  target: targetSchema
    .optional()
    .describe('With deny only: the deployments the request must not reach.'),
});

const ruleSchema = z
  .strictObject({
    name,
    when: whenSchema.default({}),
    action: z.enum(['permit', 'deny', 'redact', 'restrict', 'flag']),
    reason: z.string().min(1).max(500).optional().describe('For deny: told to the caller.'),
    redact: z
      .strictObject({
        classes: z.array(dataClass).min(1).max(64),
        style: z.enum(['mask', 'remove']).default('mask'),
      })
      .optional(),
    restrict: targetSchema.optional().describe('For restrict: the only deployments allowed.'),
    on_detector_error: z
      .enum(['deny', 'ignore'])
      .optional()
      .describe('When the detectors fail or run out of time. Default deny (fail closed).'),
  })
  .superRefine((rule, context) => {
    const need = (field: 'redact' | 'restrict' | 'reason', action: string): void => {
      if (rule.action === action && rule[field] === undefined) {
        context.addIssue({ code: 'custom', path: [field], message: `is required with ${action}` });
      }
      if (rule.action !== action && rule[field] !== undefined && field !== 'reason') {
        context.addIssue({ code: 'custom', path: [field], message: `only goes with ${action}` });
      }
    };
    need('redact', 'redact');
    need('restrict', 'restrict');
    need('reason', 'deny');
    if (rule.when.target !== undefined && rule.action !== 'deny') {
      context.addIssue({
        code: 'custom',
        path: ['when', 'target'],
        message: 'only goes with deny (to keep a request away from some deployments)',
      });
    }
  });

/** Structured output: answers checked against the JSON schema the client asked for. */
const outputSchemaSchema = z.strictObject({
  validate: z.boolean().default(true),
  on_invalid: z
    .enum(['fallback', 'error'])
    .default('fallback')
    .describe('fallback: try the next deployment (502 when none is left); error: 502 at once.'),
});

/** A policy document as operators write it (YAML), before compilation. */
export const policyDocumentSchema = z
  .strictObject({
    name,
    description: z.string().max(2000).optional(),
    detectors: z
      .strictObject({
        time_budget_ms: z.int().min(1).max(5_000).default(50),
        on_error: z.enum(['deny', 'ignore']).default('deny'),
        patterns: z
          .array(z.strictObject({ class: dataClass, pattern: z.string().min(1).max(500) }))
          .max(100)
          .default([]),
        words: z
          .array(z.strictObject({ class: dataClass, words: z.array(label).min(1).max(10_000) }))
          .max(100)
          .default([]),
      })
      .default({ time_budget_ms: 50, on_error: 'deny', patterns: [], words: [] }),
    rules: z.array(ruleSchema).max(1000),
    output: z
      .strictObject({
        data_classes: z.array(dataClass).min(1).max(64).optional(),
        action: z.enum(['mask', 'block']).default('mask'),
        hold_back_chars: z
          .int()
          .min(1)
          .max(4096)
          .optional()
          .describe(
            'Characters held back per text part. Default: the longest word listed, else 256.',
          ),
        json_schema: outputSchemaSchema
          .optional()
          .describe(
            'Validates answers against the JSON schema (or JSON object) the client asked for.',
          ),
      })
      .refine(
        (output) => output.data_classes !== undefined || output.json_schema?.validate === true,
        'name data_classes to guard, or json_schema with validate: true',
      )
      .refine(
        (output) => output.data_classes !== undefined || output.hold_back_chars === undefined,
        'hold_back_chars only goes with data_classes',
      )
      .optional()
      .describe(
        'Guards answers (streamed or not): mask or block these data classes, validate structured output.',
      ),
    default: z.enum(['permit', 'deny']).default('permit'),
    default_reason: z.string().min(1).max(500).optional(),
  })
  .superRefine((document, context) => {
    const seen = new Set<string>();
    document.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'name'],
          message: 'another rule has this name',
        });
      }
      seen.add(rule.name);
    });
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type PolicyRule = PolicyDocument['rules'][number];
export type PolicyTarget = z.infer<typeof targetSchema>;
