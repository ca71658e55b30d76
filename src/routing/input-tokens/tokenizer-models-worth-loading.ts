import type { InputTokenMeasure } from './input-token-measure.ts';
import { tokenProfileForModel } from './model-token-profile.ts';

/** A deployment as the fit check sees it: its upstream model and context window. */
export interface ContextWindowCandidate {
  readonly model: string;
  /** Undefined when the deployment's window is not known; such a candidate is never checked. */
  readonly contextWindow: number | undefined;
}

/**
 * The candidates' models whose exact tokenizer is worth loading before calling fitsContextWindow:
 * those whose window the upper bound does not already prove big enough (with
 * `reservedOutputTokens` of answer), whose family has a tokenizer, and for whom an exact count
 * could change the answer (the request holds nothing uncountable). One model per encoding need not
 * be deduplicated: ensureTokenizerFor loads each encoding once.
 *
 * Empty in the common case, where the bound fits every window: then nothing is loaded and nothing
 * awaited. Pure; a table lookup and a comparison per candidate (the bound is cached). Never throws.
 */
export function tokenizerModelsWorthLoading(
  measure: InputTokenMeasure,
  candidates: readonly ContextWindowCandidate[],
  reservedOutputTokens: number,
): string[] {
  if (measure.hasUncountableContent()) {
    return [];
  }
  const models: string[] = [];
  for (const candidate of candidates) {
    if (candidate.contextWindow === undefined || models.includes(candidate.model)) {
      continue;
    }
    const inputLimit = candidate.contextWindow - reservedOutputTokens;
    if (
      inputLimit > 0 &&
      measure.upperBoundFor(candidate.model) > inputLimit &&
      tokenProfileForModel(candidate.model) !== undefined
    ) {
      models.push(candidate.model);
    }
  }
  return models;
}
