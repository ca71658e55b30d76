import type { ChatRequest } from '../canonical/chat-request.ts';
import { localizeRequestSignatures } from '../canonical/signature-origin.ts';
import { unsupportedParameterError } from '../errors/unsupported-parameter.ts';
import type { ModelFacts } from '../providers/model-facts.ts';
import type { ProviderEndpoint } from './provider-endpoint.ts';

/** Canonical fields by the OpenAI-style name a client knows them by, for parameters that can be dropped. */
const droppable: Readonly<
  Record<string, (request: ChatRequest, facts: ModelFacts) => ChatRequest>
> = {
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
  response_format: (request) => ({ ...request, responseFormat: undefined }),
  // Dropping an output limit above the model's own means asking for the model's limit.
  max_tokens: (request, facts) => ({ ...request, maxOutputTokens: facts.maxOutputTokens }),
};

function hasImage(request: ChatRequest): number | undefined {
  const index = request.messages.findIndex((message) =>
    message.role === 'user'
      ? message.content.some((part) => part.type === 'image')
      : message.role === 'tool' &&
        message.content.some((result) => result.content.some((part) => part.type === 'image')),
  );
  return index === -1 ? undefined : index;
}

/**
 * Parameters the target model cannot take according to its facts (the capability table): tools,
 * images, a JSON schema, reasoning settings, an output limit above its own. Unknown capabilities
 * are not checked.
 */
export function missingCapabilities(request: ChatRequest, facts: ModelFacts): string[] {
  const missing: string[] = [];
  if (facts.tools === false && request.tools.length > 0) missing.push('tools');
  const image = facts.vision === false ? hasImage(request) : undefined;
  if (image !== undefined) missing.push(`messages[${image}] (an image; the model takes no images)`);
  if (facts.jsonSchema === false && request.responseFormat?.type === 'json-schema') {
    missing.push('response_format');
  }
  if (
    facts.reasoning === false &&
    request.reasoning !== undefined &&
    request.reasoning.disabled !== true
  ) {
    missing.push('reasoning');
  }
  if (
    facts.maxOutputTokens !== undefined &&
    request.maxOutputTokens !== undefined &&
    request.maxOutputTokens > facts.maxOutputTokens
  ) {
    missing.push('max_tokens');
  }
  return missing;
}

/** A canonical request ready for one target, and the parameters dropped on the way. */
export interface PreparedChatRequest {
  readonly request: ChatRequest;
  readonly dropped: readonly string[];
}

/**
 * Readies a canonical request for one target: reasoning signatures other providers made are left
 * out (they would be refused), and the request is checked against what the target's dialect can express and what the target
 * model can do. Parameters it cannot honour are refused with a 400 naming the parameter and the
 * target, unless the provider is set to drop them; then they are removed and listed (the client
 * sees them in a response header). Parameters the client sent that have no canonical meaning are
 * treated the same way. Content that cannot be dropped (an image where the model takes none,
 * tools for a model without tool use) is always refused.
 */
export function prepareChatRequest(
  canonical: ChatRequest,
  endpoint: ProviderEndpoint,
  upstreamModel: string,
): PreparedChatRequest {
  const facts = endpoint.modelFacts(upstreamModel);
  const request = localizeRequestSignatures(canonical, endpoint.dialect);
  const unsupported = [
    ...request.unmappedParameters,
    ...endpoint.codec.egress.unsupportedParameters(request),
    ...missingCapabilities(request, facts),
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
      prepared = drop(prepared, facts);
    } else if (!request.unmappedParameters.includes(name)) {
      throw unsupportedParameterError(name, target, 'this cannot be dropped');
    }
  }
  return { request: prepared, dropped: [...new Set(unsupported)] };
}
