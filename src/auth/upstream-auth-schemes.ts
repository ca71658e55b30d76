import type { SecretValue } from '../lib/secret-value.ts';

/** Builds the headers that authenticate the gateway to a provider. Pure. */
export type UpstreamAuthHeaders = (
  apiKey: SecretValue | undefined,
) => Readonly<Record<string, string>>;

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The authentication schemes, keyed by the name a provider type declares. A scheme that needs a
 * key and gets none sends nothing: local servers (vLLM, llama.cpp) accept keys only optionally.
 */
export const upstreamAuthSchemes: Readonly<Record<'bearer' | 'none', UpstreamAuthHeaders>> = {
  // https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
  bearer: (apiKey) =>
    apiKey === undefined ? noHeaders : { authorization: `Bearer ${apiKey.reveal()}` },
  none: () => noHeaders,
};
