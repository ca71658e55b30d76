/**
 * How a LiteLLM provider is set up in Signalbox, beyond its type:
 * - `api-key`: a hosted API with a bearer-style key and an optional `api_base`;
 * - `azure`: Azure OpenAI (resource endpoint, `api_version`, key or Entra ID);
 * - `bedrock`: Amazon Bedrock (region, AWS keys);
 * - `vertex`: Google Vertex AI (project, location, service account), type chosen by model family;
 * - `server`: a server the operator runs, whose `api_base` is the address.
 */
export type LitellmProviderKind = 'api-key' | 'azure' | 'bedrock' | 'vertex' | 'server';

/** The Signalbox side of one LiteLLM provider prefix. */
export interface LitellmProviderMapping {
  /** Signalbox provider type (`providers[].type`). */
  readonly type: string;
  /** Readable start of the provider id (`azure` in `azure-eastus`). */
  readonly idBase: string;
  readonly kind: LitellmProviderKind;
  /** The environment variable LiteLLM reads the key from when `api_key` is not set. */
  readonly apiKeyVariable?: string;
  /**
   * Type used instead when `api_base` points somewhere other than the provider's public API:
   * LiteLLM's `openai/` with an `api_base` is how any OpenAI-compatible server is reached.
   */
  readonly typeWithOwnBase?: string;
  /**
   * Path Signalbox expects at the end of `base_url` that a LiteLLM `api_base` leaves out, with why
   * (for the report).
   */
  readonly basePath?: { readonly suffix: string; readonly why: string };
  /** Whether `api_base` must be given (the type has no public address). */
  readonly needsApiBase?: boolean;
}

const ollamaPath = {
  suffix: '/v1',
  why: "LiteLLM calls Ollama's own API at the server root, Signalbox its OpenAI-compatible API under /v1",
};

/**
 * LiteLLM provider prefixes (the part of `litellm_params.model` before the first `/`) and the
 * Signalbox provider each becomes. Prefixes and default key variables follow LiteLLM's provider
 * docs (https://docs.litellm.ai/docs/providers). A prefix missing here has no Signalbox type: its
 * deployments are reported and left out.
 */
export const litellmProviderTable: ReadonlyMap<string, LitellmProviderMapping> = new Map([
  [
    'openai',
    {
      type: 'openai',
      idBase: 'openai',
      kind: 'api-key',
      apiKeyVariable: 'OPENAI_API_KEY',
      typeWithOwnBase: 'openai-compatible',
    },
  ],
  [
    'custom_openai',
    { type: 'openai-compatible', idBase: 'openai-compatible', kind: 'server', needsApiBase: true },
  ],
  [
    'openai_like',
    { type: 'openai-compatible', idBase: 'openai-compatible', kind: 'server', needsApiBase: true },
  ],
  [
    'litellm_proxy',
    { type: 'openai-compatible', idBase: 'litellm-proxy', kind: 'server', needsApiBase: true },
  ],
  [
    'azure',
    { type: 'azure-openai', idBase: 'azure', kind: 'azure', apiKeyVariable: 'AZURE_API_KEY' },
  ],
  [
    'azure_ai',
    {
      type: 'openai-compatible',
      idBase: 'azure-ai',
      kind: 'server',
      apiKeyVariable: 'AZURE_AI_API_KEY',
      needsApiBase: true,
    },
  ],
  [
    'anthropic',
    {
      type: 'anthropic',
      idBase: 'anthropic',
      kind: 'api-key',
      apiKeyVariable: 'ANTHROPIC_API_KEY',
      basePath: {
        suffix: '/v1',
        why: 'LiteLLM adds /v1/messages to api_base, Signalbox adds /messages to base_url',
      },
    },
  ],
  ['bedrock', { type: 'bedrock', idBase: 'bedrock', kind: 'bedrock' }],
  ['bedrock_converse', { type: 'bedrock', idBase: 'bedrock', kind: 'bedrock' }],
  ['vertex_ai', { type: 'vertex-gemini', idBase: 'vertex', kind: 'vertex' }],
  ['vertex_ai_beta', { type: 'vertex-gemini', idBase: 'vertex', kind: 'vertex' }],
  [
    'gemini',
    { type: 'gemini', idBase: 'gemini', kind: 'api-key', apiKeyVariable: 'GEMINI_API_KEY' },
  ],
  [
    'mistral',
    { type: 'mistral', idBase: 'mistral', kind: 'api-key', apiKeyVariable: 'MISTRAL_API_KEY' },
  ],
  [
    'cohere',
    { type: 'cohere', idBase: 'cohere', kind: 'api-key', apiKeyVariable: 'COHERE_API_KEY' },
  ],
  [
    'cohere_chat',
    { type: 'cohere', idBase: 'cohere', kind: 'api-key', apiKeyVariable: 'COHERE_API_KEY' },
  ],
  ['groq', { type: 'groq', idBase: 'groq', kind: 'api-key', apiKeyVariable: 'GROQ_API_KEY' }],
  [
    'together_ai',
    { type: 'together', idBase: 'together', kind: 'api-key', apiKeyVariable: 'TOGETHERAI_API_KEY' },
  ],
  [
    'deepseek',
    { type: 'deepseek', idBase: 'deepseek', kind: 'api-key', apiKeyVariable: 'DEEPSEEK_API_KEY' },
  ],
  ['xai', { type: 'xai', idBase: 'xai', kind: 'api-key', apiKeyVariable: 'XAI_API_KEY' }],
  [
    'openrouter',
    {
      type: 'openrouter',
      idBase: 'openrouter',
      kind: 'api-key',
      apiKeyVariable: 'OPENROUTER_API_KEY',
    },
  ],
  [
    'fireworks_ai',
    {
      type: 'fireworks',
      idBase: 'fireworks',
      kind: 'api-key',
      apiKeyVariable: 'FIREWORKS_AI_API_KEY',
    },
  ],
  [
    'perplexity',
    {
      type: 'perplexity',
      idBase: 'perplexity',
      kind: 'api-key',
      apiKeyVariable: 'PERPLEXITYAI_API_KEY',
    },
  ],
  ['ollama', { type: 'ollama', idBase: 'ollama', kind: 'server', basePath: ollamaPath }],
  ['ollama_chat', { type: 'ollama', idBase: 'ollama', kind: 'server', basePath: ollamaPath }],
  ['hosted_vllm', { type: 'vllm', idBase: 'vllm', kind: 'server' }],
  ['lm_studio', { type: 'lmstudio', idBase: 'lmstudio', kind: 'server' }],
  // llamafile serves llama.cpp's OpenAI-compatible API, on the same default port.
  ['llamafile', { type: 'llamacpp', idBase: 'llamafile', kind: 'server' }],
]);

/** Vertex AI model families and the Signalbox type that serves each. */
export const vertexTypeByFamily: readonly { readonly prefix: string; readonly type: string }[] = [
  { prefix: 'gemini', type: 'vertex-gemini' },
  { prefix: 'claude', type: 'vertex-anthropic' },
];

/**
 * Providers LiteLLM infers for a model named without a prefix (`model: gpt-4o`), by the start of
 * the name. Only unambiguous families are listed; anything else is reported.
 */
export const providerByBareModelPrefix: readonly {
  readonly prefix: string;
  readonly provider: string;
}[] = [
  { prefix: 'gpt-', provider: 'openai' },
  { prefix: 'chatgpt-', provider: 'openai' },
  { prefix: 'o1', provider: 'openai' },
  { prefix: 'o3', provider: 'openai' },
  { prefix: 'o4', provider: 'openai' },
  { prefix: 'text-embedding-', provider: 'openai' },
  { prefix: 'claude-', provider: 'anthropic' },
  { prefix: 'command-', provider: 'cohere' },
  { prefix: 'mistral-', provider: 'mistral' },
  { prefix: 'codestral-', provider: 'mistral' },
];

/** LiteLLM prefixes with a known reason for having no Signalbox equivalent. */
export const unsupportedPrefixReasons: ReadonlyMap<string, string> = new Map([
  ['text-completion-openai', 'the legacy Completions API is not served by Signalbox'],
  ['sagemaker', 'SageMaker endpoints are not a Signalbox provider type'],
  ['huggingface', 'Hugging Face inference is not a Signalbox provider type'],
  ['replicate', 'Replicate is not a Signalbox provider type'],
  ['watsonx', 'watsonx.ai is not a Signalbox provider type'],
]);
