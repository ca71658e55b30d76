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

/** Where the usage of a request came from. */
export type UsageSource = 'provider' | 'none';
