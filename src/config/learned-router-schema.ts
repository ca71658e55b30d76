import { z } from 'zod';
import { reasoningFields } from './model-group-schema.ts';
import { modelNameSchema } from './model-name-schema.ts';

const difficultyBandSchema = z
  .strictObject({
    min_difficulty: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "Where the band starts: the request's score as a share of calibration scores below it (0 easiest, 1 hardest). Default 0.",
      ),
    ...reasoningFields,
  })
  .refine(
    (band) => band.reasoning_effort !== undefined || band.thinking_budget_tokens !== undefined,
    'must set reasoning_effort or thinking_budget_tokens',
  );

/** A learned router the gateway loads (`routers:`); see docs/routing.md, "Learned routing". */
export const learnedRouterSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        'must be 1-63 characters: lowercase letters, digits, "-" and "_", starting with a letter or digit',
      )
      .describe('Clients ask for it as `router:<name>`; model groups name it in `router`.'),
    artifact: z
      .string()
      .min(1)
      .describe('The router file written by `signalbox route train`; relative to this file.'),
    strong_share: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        'Strong/weak routers: the share of traffic like the training data to send to the strong model; the threshold is the matching quantile of the calibration scores. Default 0.5.',
      ),
    threshold: z
      .number()
      .optional()
      .describe('Strong/weak routers: a fixed score threshold instead of `strong_share`.'),
    tradeoff: z
      .number()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe(
        "N-model routers: quality given up per US dollar of expected cost (λ); 0 picks the best predicted model. Default: the artifact's.",
      ),
    reasoning: z
      .array(difficultyBandSchema)
      .min(1)
      .max(16)
      .optional()
      .describe(
        "Reasoning settings by difficulty: the band with the highest min_difficulty at or below the request's difficulty applies, for requests that set none.",
      ),
    encoder: z
      .discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('onnx'),
          directory: z
            .string()
            .min(1)
            .describe('Holds model.onnx and tokenizer.json; relative to this file.'),
          max_tokens: z.int().min(8).max(8192).optional(),
        }),
        z.strictObject({
          type: z.literal('embeddings'),
          model: modelNameSchema.describe(
            'A model name this gateway serves for /v1/embeddings (alias or <provider>/<model>).',
          ),
        }),
      ])
      .optional()
      .describe(
        'The encoder the router was trained with (`route train --encoder onnx:DIR | embeddings:MODEL`): a local ONNX model, or an embeddings model served by this gateway. Default: the built-in lexical encoder the artifact names.',
      ),
    models: z
      .record(z.string().min(1).max(256), modelNameSchema)
      .optional()
      .describe(
        "Maps the artifact's model names to model names this gateway serves (aliases or `<provider>/<model>`). Needed for `router:<name>`; a model group may instead name its targets after the artifact's models.",
      ),
  })
  .refine(
    (router) => router.strong_share === undefined || router.threshold === undefined,
    'set strong_share or threshold, not both',
  )
  .describe('An offline-trained router (issue 8).');

export type LearnedRouterEntry = z.infer<typeof learnedRouterSchema>;

/** `strategy: learned` and `router` go together, and the router must be defined. */
export function checkLearnedRouterNames(
  groups: readonly {
    readonly strategy?: string | undefined;
    readonly router?: string | undefined;
  }[],
  routers: readonly LearnedRouterEntry[],
  context: z.RefinementCtx,
): void {
  const names = new Set(routers.map((router) => router.name));
  groups.forEach((group, index) => {
    if (group.strategy === 'learned' && group.router === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['models', index, 'router'],
        message: 'is required by strategy learned: name a router of `routers:`',
      });
    }
    if (group.router !== undefined && group.strategy !== 'learned') {
      context.addIssue({
        code: 'custom',
        path: ['models', index, 'router'],
        message: 'is only read by strategy learned',
      });
    }
    if (group.router !== undefined && !names.has(group.router)) {
      context.addIssue({
        code: 'custom',
        path: ['models', index, 'router'],
        message: `"${group.router}" is not a router of \`routers:\``,
      });
    }
  });
}
