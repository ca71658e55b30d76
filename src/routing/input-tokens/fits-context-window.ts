import type { InputTokenMeasure } from './input-token-measure.ts';

/**
 * Whether a request fits a deployment's context window: `fits` and `too-large` are certain;
 * `unknown` means it may not fit (the bound is too big to prove it, and no exact count is at hand).
 */
export type ContextWindowFit = 'fits' | 'too-large' | 'unknown';

/**
 * Whether the request measured by `measure` plus `reservedOutputTokens` of answer fits in
 * `contextWindow` tokens of the deployment whose upstream model is `model`.
 *
 * 1. The upper bound proves a fit: `fits`, without touching a tokenizer (the common case; a few
 *    additions once the bound is cached).
 * 2. Otherwise, when the model family's tokenizer is loaded, the exact count decides, counting
 *    only until it passes the window: `fits` or `too-large`.
 * 3. Otherwise `unknown`: the family has no tokenizer (Claude, Gemini), it is not loaded, or the
 *    request holds content nothing can count.
 *
 * A window no larger than the reserved output is `too-large` (every request has some input).
 * Synchronous and never loads anything: a caller that wants step 2 awaits ensureTokenizerFor
 * first, and only when tokenizerModelsWorthLoading says it can help. Never throws.
 */
export function fitsContextWindow(
  measure: InputTokenMeasure,
  model: string,
  contextWindow: number,
  reservedOutputTokens: number,
): ContextWindowFit {
  const inputLimit = contextWindow - reservedOutputTokens;
  if (inputLimit <= 0) {
    return 'too-large';
  }
  if (measure.upperBoundFor(model) <= inputLimit) {
    return 'fits';
  }
  const within = measure.exactCountWithin(model, inputLimit);
  if (within === undefined) {
    return 'unknown';
  }
  return within ? 'fits' : 'too-large';
}
