/**
 * Token usage reported by a provider. Every count is optional: `undefined` means "not reported",
 * which is different from zero and must never be silently turned into it.
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

/** Where the usage of a request came from. */
export type UsageSource = 'provider' | 'none';
