import type { ModelOperation } from '../canonical/model-operation.ts';
import { hasControlCharacter } from '../lib/control-characters.ts';

/** What an endpoint style needs to build one request's URL. */
export interface EndpointRequest {
  readonly operation: ModelOperation;
  /** The provider's model name. */
  readonly model: string;
  readonly stream: boolean;
  readonly settings: {
    readonly region?: string | undefined;
    readonly project?: string | undefined;
    readonly apiVersion?: string | undefined;
  };
}

/** Builds the path and query (below the base URL) of one request, or undefined when the style has no such operation. */
type PathBuilder = (request: EndpointRequest) => string | undefined;

/**
 * A model name put into a URL path, percent-encoded so it stays one segment. Refuses names that
 * would be dot segments, hold control characters or are not well-formed UTF-16 (a lone surrogate,
 * which `encodeURIComponent` cannot encode), since the model can come from a client when a
 * provider allows any model name.
 */
export function modelPathSegment(model: string): string {
  if (
    model === '' ||
    model === '.' ||
    model === '..' ||
    hasControlCharacter(model) ||
    !model.isWellFormed()
  ) {
    throw new Error(`"${model}" cannot be used as a model name in a URL`);
  }
  return encodeURIComponent(model);
}

function setting(value: string | undefined, name: string): string {
  if (value === undefined || value === '' || !value.isWellFormed()) {
    throw new Error(`the provider needs ${name}`);
  }
  return encodeURIComponent(value);
}

/**
 * Every endpoint style, by id: how each provider family addresses an operation on a model.
 * Each entry links the provider's API reference.
 */
export const endpointStyles = {
  // https://platform.openai.com/docs/api-reference/chat/create
  openai: ({ operation }) =>
    operation === 'chat'
      ? '/chat/completions'
      : operation === 'embeddings'
        ? '/embeddings'
        : undefined,
  // https://platform.openai.com/docs/api-reference/responses/create
  'openai-responses': ({ operation }) => (operation === 'chat' ? '/responses' : undefined),
  // https://docs.anthropic.com/en/api/messages ; /messages/count_tokens
  anthropic: ({ operation }) =>
    operation === 'chat'
      ? '/messages'
      : operation === 'count-tokens'
        ? '/messages/count_tokens'
        : undefined,
  // https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
  'vertex-anthropic': ({ operation, model, stream, settings }) => {
    const prefix = `/projects/${setting(settings.project, 'project')}/locations/${setting(settings.region, 'region')}/publishers/anthropic/models/${modelPathSegment(model)}`;
    if (operation === 'count-tokens') {
      return `/projects/${setting(settings.project, 'project')}/locations/${setting(settings.region, 'region')}/publishers/anthropic/models/count-tokens:rawPredict`;
    }
    return operation === 'chat'
      ? `${prefix}:${stream ? 'streamRawPredict' : 'rawPredict'}`
      : undefined;
  },
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
  'bedrock-invoke': ({ operation, model, stream }) =>
    operation === 'chat'
      ? `/model/${modelPathSegment(model)}/${stream ? 'invoke-with-response-stream' : 'invoke'}`
      : undefined,
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
  'bedrock-converse': ({ operation, model, stream }) =>
    operation === 'chat'
      ? `/model/${modelPathSegment(model)}/${stream ? 'converse-stream' : 'converse'}`
      : undefined,
  // https://ai.google.dev/api/generate-content
  gemini: ({ operation, model, stream }) =>
    operation === 'chat'
      ? `/models/${modelPathSegment(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`
      : undefined,
  // https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference
  'vertex-gemini': ({ operation, model, stream, settings }) =>
    operation === 'chat'
      ? `/projects/${setting(settings.project, 'project')}/locations/${setting(settings.region, 'region')}/publishers/google/models/${modelPathSegment(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`
      : undefined,
  // https://docs.cohere.com/reference/chat
  cohere: ({ operation }) => (operation === 'chat' ? '/v2/chat' : undefined),
  // https://learn.microsoft.com/en-us/azure/ai-services/openai/reference
  'azure-openai': ({ operation, model, settings }) => {
    const version = `api-version=${setting(settings.apiVersion, 'api_version')}`;
    const deployment = `/openai/deployments/${modelPathSegment(model)}`;
    if (operation === 'chat') return `${deployment}/chat/completions?${version}`;
    if (operation === 'embeddings') return `${deployment}/embeddings?${version}`;
    return undefined;
  },
} as const satisfies Record<string, PathBuilder>;

export type EndpointStyleId = keyof typeof endpointStyles;

/**
 * The URL of one request: the base URL's path joined with the style's path. Returns undefined when
 * the provider does not serve the operation. Throws when a setting is missing or the model name
 * cannot be used in a URL. The result is checked to stay on the base URL's origin.
 */
export function buildEndpointUrl(
  base: URL,
  style: EndpointStyleId,
  request: EndpointRequest,
): URL | undefined {
  const pathAndQuery = endpointStyles[style](request);
  if (pathAndQuery === undefined) {
    return undefined;
  }
  const [path = '', query] = pathAndQuery.split('?', 2);
  const url = new URL(base.origin);
  url.pathname = base.pathname.replace(/\/+$/, '') + path;
  if (query !== undefined) {
    url.search = `?${query}`;
  }
  if (url.origin !== base.origin) {
    throw new Error('an operation URL left its provider origin');
  }
  return url;
}
