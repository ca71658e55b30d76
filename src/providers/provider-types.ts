import type { CatalogModel, ProviderType } from './provider-type.ts';

function chatModels(...names: string[]): CatalogModel[] {
  return names.map((name) => ({ name, kind: 'chat' }));
}

function embeddingModels(...names: string[]): CatalogModel[] {
  return names.map((name) => ({ name, kind: 'embeddings' }));
}

const fullSupport = { streamUsageOption: true, embeddings: true } as const;
const chatOnly = { streamUsageOption: true, embeddings: false } as const;

/**
 * Every provider type Signalbox knows. All speak the OpenAI Chat Completions dialect here:
 * the OpenAI API itself, the OpenAI-compatible hosted APIs, local inference servers, and the
 * OpenAI-compatible endpoints that Anthropic, Google Gemini and Cohere publish (their native
 * dialects are separate codecs). Base URLs are the providers' documented API roots.
 */
export const providerTypes: readonly ProviderType[] = [
  {
    type: 'openai',
    title: 'OpenAI API',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://platform.openai.com/docs/api-reference/introduction
    defaultBaseUrl: 'https://api.openai.com/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'OPENAI_API_KEY',
    catalog: [
      ...chatModels(
        'gpt-4.1',
        'gpt-4.1-mini',
        'gpt-4.1-nano',
        'gpt-4o',
        'gpt-4o-mini',
        'o3',
        'o4-mini',
      ),
      ...embeddingModels('text-embedding-3-small', 'text-embedding-3-large'),
    ],
    quirks: fullSupport,
  },
  {
    type: 'openai-compatible',
    title: 'Any server that speaks the OpenAI Chat Completions API (set base_url)',
    dialect: 'openai-chat',
    auth: 'bearer',
    defaultBaseUrl: undefined,
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [],
    quirks: fullSupport,
  },
  {
    type: 'anthropic',
    title: "Anthropic Claude, through Anthropic's OpenAI SDK compatibility endpoint",
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.anthropic.com/en/api/openai-sdk
    defaultBaseUrl: 'https://api.anthropic.com/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'ANTHROPIC_API_KEY',
    catalog: chatModels('claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5'),
    quirks: chatOnly,
  },
  {
    type: 'gemini',
    title: "Google Gemini (AI Studio), through Google's OpenAI compatibility endpoint",
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://ai.google.dev/gemini-api/docs/openai
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'GEMINI_API_KEY',
    catalog: [
      ...chatModels('gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'),
      ...embeddingModels('gemini-embedding-001'),
    ],
    quirks: fullSupport,
  },
  {
    type: 'mistral',
    title: 'Mistral AI',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.mistral.ai/api/
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'MISTRAL_API_KEY',
    catalog: [
      ...chatModels(
        'mistral-large-latest',
        'mistral-medium-latest',
        'mistral-small-latest',
        'codestral-latest',
      ),
      ...embeddingModels('mistral-embed'),
    ],
    // Mistral reports usage on the last streamed chunk unasked; `stream_options` is not in its API.
    quirks: { streamUsageOption: false, embeddings: true },
  },
  {
    type: 'cohere',
    title: "Cohere, through Cohere's OpenAI compatibility API",
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.cohere.com/docs/compatibility-api
    defaultBaseUrl: 'https://api.cohere.ai/compatibility/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'COHERE_API_KEY',
    catalog: [
      ...chatModels('command-a-03-2025', 'command-r7b-12-2024'),
      ...embeddingModels('embed-v4.0'),
    ],
    quirks: fullSupport,
  },
  {
    type: 'groq',
    title: 'Groq',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://console.groq.com/docs/openai
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'GROQ_API_KEY',
    catalog: chatModels('llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b'),
    quirks: chatOnly,
  },
  {
    type: 'together',
    title: 'Together AI',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.together.ai/docs/openai-api-compatibility
    defaultBaseUrl: 'https://api.together.xyz/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'TOGETHER_API_KEY',
    catalog: chatModels('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'deepseek-ai/DeepSeek-V3'),
    quirks: fullSupport,
  },
  {
    type: 'fireworks',
    title: 'Fireworks AI',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.fireworks.ai/tools-sdks/openai-compatibility
    defaultBaseUrl: 'https://api.fireworks.ai/inference/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'FIREWORKS_API_KEY',
    catalog: chatModels('accounts/fireworks/models/llama-v3p3-70b-instruct'),
    quirks: fullSupport,
  },
  {
    type: 'deepseek',
    title: 'DeepSeek',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://api-docs.deepseek.com/
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'DEEPSEEK_API_KEY',
    catalog: chatModels('deepseek-chat', 'deepseek-reasoner'),
    quirks: chatOnly,
  },
  {
    type: 'xai',
    title: 'xAI Grok',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.x.ai/docs/api-reference
    defaultBaseUrl: 'https://api.x.ai/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'XAI_API_KEY',
    catalog: chatModels('grok-4', 'grok-3-mini'),
    quirks: chatOnly,
  },
  {
    type: 'openrouter',
    title: 'OpenRouter',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://openrouter.ai/docs/api-reference/overview
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'OPENROUTER_API_KEY',
    catalog: chatModels(
      'openai/gpt-4o-mini',
      'anthropic/claude-sonnet-4.5',
      'google/gemini-2.5-flash',
    ),
    quirks: chatOnly,
  },
  {
    type: 'perplexity',
    title: 'Perplexity Sonar',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.perplexity.ai/api-reference/chat-completions-post
    defaultBaseUrl: 'https://api.perplexity.ai',
    requiresApiKey: true,
    apiKeyEnvironmentVariable: 'PERPLEXITY_API_KEY',
    catalog: chatModels('sonar', 'sonar-pro', 'sonar-reasoning'),
    quirks: chatOnly,
  },
  {
    type: 'ollama',
    title: 'Ollama (local)',
    dialect: 'openai-chat',
    auth: 'none',
    // https://github.com/ollama/ollama/blob/main/docs/openai.md
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [],
    quirks: fullSupport,
  },
  {
    type: 'vllm',
    title: 'vLLM OpenAI-compatible server (local)',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [],
    quirks: fullSupport,
  },
  {
    type: 'lmstudio',
    title: 'LM Studio (local)',
    dialect: 'openai-chat',
    auth: 'none',
    // https://lmstudio.ai/docs/app/api/endpoints/openai
    defaultBaseUrl: 'http://127.0.0.1:1234/v1',
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [],
    quirks: fullSupport,
  },
  {
    type: 'llamacpp',
    title: 'llama.cpp server (local)',
    dialect: 'openai-chat',
    auth: 'bearer',
    // https://github.com/ggml-org/llama.cpp/tree/master/tools/server
    defaultBaseUrl: 'http://127.0.0.1:8080/v1',
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [],
    quirks: fullSupport,
  },
  {
    type: 'mock',
    title:
      'The built-in scripted fake model (runs inside the gateway; for trials, tests, benchmarks)',
    dialect: 'openai-chat',
    auth: 'none',
    defaultBaseUrl: undefined,
    requiresApiKey: false,
    apiKeyEnvironmentVariable: undefined,
    catalog: [...chatModels('echo', 'fast'), ...embeddingModels('embed')],
    quirks: fullSupport,
  },
];
