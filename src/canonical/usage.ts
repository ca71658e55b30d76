/**
 * Token usage reported by a provider. Every count is optional: `undefined` means "not reported",
 * which is different from zero and must never be silently turned into it.
 *
 * `inputTokens.total` counts every input token, cached ones included (OpenAI's meaning);
 * `cacheRead` and `cacheWrite` are the parts of it served from or written to the provider's
 * prompt cache. `outputTokens.total` includes `reasoning`.
 */
export interface Usage {
  readonly inputTokens: {
    readonly total?: number;
    readonly cacheRead?: number;
    readonly cacheWrite?: number;
  };
  readonly outputTokens: {
    readonly total?: number;
    readonly reasoning?: number;
  };
}

/**
 * The largest token count one request may report: no model's context comes near it, and at the
 * highest list prices it stays a cost the ledger can store (integer nano-dollars).
 */
export const maxReportedTokens = 1_000_000_000;

/**
 * A provider's token count as reported, or undefined ("not reported") when it is not a plausible
 * count: not a number, negative, not finite, or over {@link maxReportedTokens}. A provider bug or
 * a hostile upstream then cannot write a negative, infinite or ruinous cost into the ledger; an
 * unreported count is charged at the request's reserved bound instead.
 */
export function plausibleTokenCount(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= maxReportedTokens
    ? value
    : undefined;
}

/** Where the usage of a request came from. */
export type UsageSource = 'provider' | 'none';
