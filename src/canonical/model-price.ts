import type { Usage } from './usage.ts';

/** List prices in US dollars per million tokens. */
export interface ModelPrice {
  readonly input?: number | undefined;
  readonly output?: number | undefined;
  /** Input tokens served from the prompt cache; the input price when unset. */
  readonly cacheRead?: number | undefined;
  /** Input tokens written to the prompt cache; the input price when unset. */
  readonly cacheWrite?: number | undefined;
  /** Reasoning tokens; the output price when unset. */
  readonly reasoning?: number | undefined;
}

/**
 * What a request's usage cost at list price, in US dollars; undefined when the price or the
 * input count is unknown. Cached input is charged at the cache prices, reasoning at the
 * reasoning price, each falling back to the plain input or output price.
 */
export function costOfUsage(
  usage: Usage | undefined,
  price: ModelPrice | undefined,
): number | undefined {
  if (usage === undefined || price?.input === undefined || usage.inputTokens.total === undefined) {
    return undefined;
  }
  const cacheRead = usage.inputTokens.cacheRead ?? 0;
  const cacheWrite = usage.inputTokens.cacheWrite ?? 0;
  const plainInput = Math.max(0, usage.inputTokens.total - cacheRead - cacheWrite);
  const output = usage.outputTokens.total ?? 0;
  const reasoning = Math.min(usage.outputTokens.reasoning ?? 0, output);
  const outputPrice = price.output ?? 0;
  const dollars =
    plainInput * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    (output - reasoning) * outputPrice +
    reasoning * (price.reasoning ?? outputPrice);
  return dollars / 1_000_000;
}
