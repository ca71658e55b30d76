import type { ModelPrice } from '../../canonical/model-price.ts';

/** Nano-dollars per token for a price in dollars per million tokens. */
const nanosPerTokenPerDollarPerMillion = 1000;

/** The most one token of input and of output may cost across the deployments a request may reach. */
export interface TokenPrices {
  readonly inputNanosPerToken: number;
  readonly outputNanosPerToken: number;
}

/**
 * The highest input and output prices among `prices`, per token in nano-dollars; undefined when
 * any is missing an input or an output price (the request's cost then cannot be bounded).
 * Input counts its dearest kind (a cache write can cost more than plain input); output counts
 * reasoning too. Pure.
 */
export function highestTokenPrices(
  prices: readonly (ModelPrice | undefined)[],
  needsOutput: boolean,
): TokenPrices | undefined {
  let input = 0;
  let output = 0;
  for (const price of prices) {
    if (price?.input === undefined || (needsOutput && price.output === undefined)) {
      return undefined;
    }
    input = Math.max(input, price.input, price.cacheWrite ?? 0, price.cacheRead ?? 0);
    output = Math.max(output, price.output ?? 0, price.reasoning ?? 0);
  }
  return {
    inputNanosPerToken: input * nanosPerTokenPerDollarPerMillion,
    outputNanosPerToken: output * nanosPerTokenPerDollarPerMillion,
  };
}

/** What `tokens` of input and output cost at most, in whole nano-dollars (rounded up). */
export function boundNanos(prices: TokenPrices, inputTokens: number, outputTokens: number): number {
  return Math.ceil(
    inputTokens * prices.inputNanosPerToken + outputTokens * prices.outputNanosPerToken,
  );
}

/**
 * The most output tokens `nanos` pays for after `inputTokens` of input; unbounded
 * (`Number.MAX_SAFE_INTEGER`) when output is free. Pure.
 */
export function affordableOutputTokens(
  prices: TokenPrices,
  nanos: number,
  inputTokens: number,
): number {
  const left = nanos - Math.ceil(inputTokens * prices.inputNanosPerToken);
  if (prices.outputNanosPerToken === 0) {
    return left >= 0 ? Number.MAX_SAFE_INTEGER : 0;
  }
  return Math.max(0, Math.floor(left / prices.outputNanosPerToken));
}
