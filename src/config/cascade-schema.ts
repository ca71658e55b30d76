import { z } from 'zod';
import type { CascadeConfig } from '../routing/cascade/cascade-config.ts';
import { modelNameSchema } from './model-name-schema.ts';

const unit = z.number().min(0).max(1);

/** `cascade:` of a model group: the acceptance checks a cheaper tier's answer must pass. */
export const cascadeSchema = z
  .strictObject({
    refusal_check: z
      .boolean()
      .optional()
      .describe('Escalate empty answers and refusals ("I can\'t help with that"). Default true.'),
    schema_check: z
      .boolean()
      .optional()
      .describe(
        'Escalate answers that do not match the JSON schema the client requested (response_format). Default true.',
      ),
    min_confidence: unit
      .optional()
      .describe(
        'Least exp(mean token log-probability), 0..1; applied only when the provider returned log-probabilities.',
      ),
    min_token_probability: unit
      .optional()
      .describe('Least probability of any single token, 0..1; only with log-probabilities.'),
    arithmetic_check: z
      .boolean()
      .optional()
      .describe('Recompute the `a op b = c` steps an answer shows; escalate on a wrong one.'),
    judge: z
      .strictObject({
        model: modelNameSchema.describe(
          'A model group alias or `<provider>/<model>` that scores the answer from 0 to 10.',
        ),
        threshold: unit.describe('Least score accepted, 0..1 (the 0-10 score divided by 10).'),
        on_failure: z
          .enum(['escalate', 'accept'])
          .optional()
          .describe('What a judge that fails or gives no score means. Default escalate.'),
      })
      .optional()
      .describe('A judge model asked last, only when every other check accepted.'),
  })
  .describe(
    'Makes the group a cascade: its targets in plan order are tiers; every tier but the last answers in full (streams are buffered) and is served only if these checks accept its answer, else the request escalates to the next tier.',
  );

export type CascadeEntry = z.infer<typeof cascadeSchema>;

/** The cascade of a group entry, defaults applied; undefined when the group has none. Pure. */
export function resolveCascade(entry: CascadeEntry | undefined): CascadeConfig | undefined {
  if (entry === undefined) return undefined;
  return {
    refusalCheck: entry.refusal_check ?? true,
    schemaCheck: entry.schema_check ?? true,
    minConfidence: entry.min_confidence,
    minTokenProbability: entry.min_token_probability,
    arithmeticCheck: entry.arithmetic_check ?? false,
    judge:
      entry.judge === undefined
        ? undefined
        : {
            model: entry.judge.model,
            threshold: entry.judge.threshold,
            onFailure: entry.judge.on_failure ?? 'escalate',
          },
  };
}
