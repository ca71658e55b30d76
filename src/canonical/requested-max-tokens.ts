/** Body fields that carry the requested maximum output, across the ingress dialects. */
const maxTokenFields = ['max_completion_tokens', 'max_tokens', 'max_output_tokens'] as const;

/** The maximum output the request asks for, in any ingress dialect's field; undefined for none. */
export function requestedMaxTokens(body: Readonly<Record<string, unknown>>): number | undefined {
  for (const field of maxTokenFields) {
    const value = body[field];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      return Math.floor(value);
    }
  }
  return undefined;
}
