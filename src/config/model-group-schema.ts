import { z } from 'zod';
import { strategyNames } from '../routing/routing-strategy.ts';
import { cascadeSchema } from './cascade-schema.ts';
import { modelNameSchema } from './model-name-schema.ts';
import { fallbackClassSchema, retriesSchema } from './routing-schema.ts';

const identifier = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be 1-63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit',
  );

export { modelNameSchema };

const tag = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,62}$/, 'must be a lowercase label such as zdr, hipaa or eu');

const milliseconds = (maximum: number) => z.int().positive().max(maximum);

const targetShared = {
  weight: z
    .number()
    .positive()
    .max(1_000_000)
    .optional()
    .describe('Relative share of traffic for the weighted strategy. Default 1.'),
  priority: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe('Lower is tried first by the priority strategy. Default 0; ties keep file order.'),
};

export const deploymentTargetSchema = z
  .strictObject({
    provider: identifier.describe('The id of a configured provider.'),
    model: modelNameSchema.describe("The provider's name for the model."),
    id: z
      .string()
      .regex(/^[A-Za-z0-9][\w.:/@-]{0,127}$/, 'must be 1-128 characters without spaces')
      .optional()
      .describe(
        'Names the deployment in headers, traces and /admin/deployments. Default `<provider>/<model>`.',
      ),
    ...targetShared,
    region: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and "-"')
      .optional()
      .describe('Where the deployment runs, for region rules and x-signalbox-region.'),
    tags: z
      .array(tag)
      .max(32)
      .optional()
      .describe('Compliance and placement labels (zdr, hipaa, eu) for rules and x-signalbox-tags.'),
    rpm: z
      .int()
      .positive()
      .max(100_000_000)
      .optional()
      .describe('Requests per minute this deployment may take (usage-aware strategy).'),
    tpm: z
      .int()
      .positive()
      .max(10_000_000_000)
      .optional()
      .describe('Tokens per minute this deployment may take (usage-aware strategy).'),
    timeouts: z
      .strictObject({
        first_token_ms: milliseconds(600_000)
          .optional()
          .describe(
            'Time from sending the request to its first content (first token of a stream).',
          ),
        idle_ms: milliseconds(600_000).optional().describe('Longest silence between two chunks.'),
        total_ms: milliseconds(3_600_000).optional().describe('Time for the whole exchange.'),
      })
      .optional()
      .describe("Timeouts for this deployment, over its provider's."),
  })
  .describe('A deployment: a provider and its name for the model.');

export const nestedGroupTargetSchema = z
  .strictObject({
    alias: modelNameSchema.describe('Another model group, routed by its own strategy.'),
    ...targetShared,
  })
  .describe('A nested model group.');

export const groupTargetSchema = z.union([deploymentTargetSchema, nestedGroupTargetSchema]);

/** What a rule (or a learned router's difficulty band) may set for reasoning models. */
export const reasoningFields = {
  reasoning_effort: z
    .enum(['minimal', 'low', 'medium', 'high'])
    .optional()
    .describe(
      'Reasoning effort for models that reason, when the client set none (OpenAI reasoning_effort; a thinking budget elsewhere).',
    ),
  thinking_budget_tokens: z
    .int()
    .min(1024)
    .max(200_000)
    .optional()
    .describe('Thinking budget in tokens for models that reason, when the client set none.'),
};

const ruleSchema = z
  .strictObject({
    name: identifier.optional().describe('Shown in x-signalbox-route and the decision trace.'),
    when: z
      .string()
      .min(1)
      .max(2000)
      .describe('A CEL expression over request facts (docs/routing.md); must be boolean.'),
    route_to: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Send matching requests to this deployment id of the group, or to another model group.',
      ),
    require_tags: z
      .array(tag)
      .max(32)
      .optional()
      .describe('Keep only deployments carrying every one of these tags.'),
    regions: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/))
      .max(64)
      .optional()
      .describe('Keep only deployments in one of these regions.'),
    exclude: z
      .array(z.string().min(1).max(128))
      .max(64)
      .optional()
      .describe('Deployment ids to leave out.'),
    ...reasoningFields,
  })
  .refine(
    (rule) =>
      rule.route_to !== undefined ||
      rule.require_tags !== undefined ||
      rule.regions !== undefined ||
      rule.exclude !== undefined ||
      rule.reasoning_effort !== undefined ||
      rule.thinking_budget_tokens !== undefined,
    'must say what to do: route_to, require_tags, regions, exclude, reasoning_effort or thinking_budget_tokens',
  )
  .describe('A conditional rule: when the expression holds, route or narrow.');

const canarySchema = z
  .strictObject({
    target: z
      .string()
      .min(1)
      .max(128)
      .describe('The deployment id (of this group) that receives the canary share.'),
    percent: z.number().min(0).max(100).describe('Share of traffic sent to the canary.'),
    sticky: z
      .enum(['key', 'user', 'request'])
      .optional()
      .describe(
        'What keeps a caller on one variant: the virtual key, the end user (`user` field, else the key), or nothing. Default key.',
      ),
  })
  .describe(
    'Canary or A/B split: a share of the group to one deployment, recorded as the variant.',
  );

const semanticRouteSchema = z
  .strictObject({
    name: identifier.describe('Shown in x-signalbox-route (`semantic:<name>`) and the trace.'),
    route_to: z
      .string()
      .min(1)
      .max(256)
      .describe('A deployment id of this group, or another model group.'),
    threshold: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('Least cosine similarity to one of the utterances; default the group setting.'),
    utterances: z
      .array(z.string().min(1).max(2000))
      .min(1)
      .max(256)
      .describe('Example requests of this route; the last user message is compared with each.'),
  })
  .describe('A semantic route: requests like its utterances go to its target.');

const semanticRoutesSchema = z
  .strictObject({
    threshold: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe('Least similarity for a route to match. Default 0.5 (built-in lexical encoder).'),
    routes: z.array(semanticRouteSchema).min(1).max(64),
  })
  .describe(
    "Routes by meaning: the route whose utterances are most like the request wins if similar enough; otherwise the group's own targets serve (the default).",
  );

export const modelGroupSchema = z
  .strictObject({
    alias: modelNameSchema.describe('The name clients send as `model`.'),
    description: z.string().max(500).optional(),
    strategy: z
      .enum(strategyNames)
      .optional()
      .describe('How the group picks among its targets. Default priority (file order).'),
    router: z
      .string()
      .min(1)
      .max(63)
      .optional()
      .describe(
        'For `strategy: learned`: the name of a router of `routers:`; its choice goes first, the rest stay fallbacks.',
      ),
    targets: z
      .array(groupTargetSchema)
      .min(1, 'must list at least one target')
      .max(256)
      .describe(
        'Deployments and nested groups the strategy chooses among; the rest are fallbacks.',
      ),
    rules: z.array(ruleSchema).max(64).optional(),
    semantic_routes: semanticRoutesSchema.optional(),
    session_affinity: z
      .strictObject({
        ttl_seconds: z
          .int()
          .min(1)
          .max(86_400)
          .optional()
          .describe(
            "How long a provider's prompt cache is assumed warm after a turn. Default 300 (5 minutes, Anthropic's and OpenAI's default cache lifetime).",
          ),
      })
      .optional()
      .describe(
        'Keep each conversation (x-signalbox-session, or the hash of its opening) on the deployment whose prompt cache is warm, unless moving saves more than re-reading the prefix uncached costs.',
      ),
    canary: canarySchema.optional(),
    cascade: cascadeSchema.optional(),
    fallbacks: z
      .array(modelNameSchema)
      .max(16)
      .optional()
      .describe("Model groups tried, in order, when every one of this group's targets failed."),
    fallback_on: z
      .array(fallbackClassSchema)
      .optional()
      .describe('Failure classes that move on to the next target (default: routing.fallback_on).'),
    retries: retriesSchema
      .omit({ budget_ratio: true, min_retries_per_second: true })
      .optional()
      .describe(
        "Retries of this group's attempts; the retry budget is per deployment (routing.retries).",
      ),
  })
  .describe('A model name clients use, mapped to deployments and a strategy.');

export type ModelGroupEntry = z.infer<typeof modelGroupSchema>;
export type GroupTargetEntry = z.infer<typeof groupTargetSchema>;
export type RuleEntry = z.infer<typeof ruleSchema>;
