import type { ChatRequest } from '../canonical/chat-request.ts';
import { unsupportedParameterError } from '../errors/unsupported-parameter.ts';
import type { ProviderEndpoint } from './provider-endpoint.ts';

/** Canonical fields by the OpenAI-style name a client knows them by, for parameters that can be dropped. */
const droppable: Readonly<Record<string, (request: ChatRequest) => ChatRequest>> = {
  n: (request) => ({ ...request, choices: undefined }),
  seed: (request) => ({ ...request, seed: undefined }),
  top_k: (request) => ({ ...request, topK: undefined }),
  top_p: (request) => ({ ...request, topP: undefined }),
  temperature: (request) => ({ ...request, temperature: undefined }),
  frequency_penalty: (request) => ({ ...request, frequencyPenalty: undefined }),
  presence_penalty: (request) => ({ ...request, presencePenalty: undefined }),
  stop: (request) => ({ ...request, stopSequences: [] }),
  user: (request) => ({ ...request, user: undefined }),
  parallel_tool_calls: (request) => ({ ...request, parallelToolCalls: undefined }),
  reasoning: (request) => ({ ...request, reasoning: undefined }),
};

/** A canonical request ready for one target, and the parameters dropped on the way. */
export interface PreparedChatRequest {
  readonly request: ChatRequest;
  readonly dropped: readonly string[];
}

/**
 * Checks a canonical request against what the target's dialect can express. Parameters it cannot
 * honour are refused with a 400 naming the parameter and the target, unless the provider is set
 * to drop them; then they are removed and listed (the client sees them in a response header).
 * Parameters the client sent that have no canonical meaning are treated the same way. Content
 * that cannot be dropped (an image where the dialect takes none) is always refused.
 */
export function prepareChatRequest(
  request: ChatRequest,
  endpoint: ProviderEndpoint,
  upstreamModel: string,
): PreparedChatRequest {
  const unsupported = [
    ...request.unmappedParameters,
    ...endpoint.codec.egress.unsupportedParameters(request),
  ];
  if (unsupported.length === 0) {
    return { request, dropped: [] };
  }
  const target = `${endpoint.id}/${upstreamModel}`;
  if (!endpoint.dropUnsupportedParams) {
    throw unsupportedParameterError(unsupported[0] ?? 'parameters', target);
  }
  let prepared: ChatRequest = { ...request, unmappedParameters: [] };
  for (const name of unsupported) {
    const drop = droppable[name];
    if (drop !== undefined) {
      prepared = drop(prepared);
    } else if (!request.unmappedParameters.includes(name)) {
      throw unsupportedParameterError(name, target, 'this cannot be dropped');
    }
  }
  return { request: prepared, dropped: unsupported };
}
