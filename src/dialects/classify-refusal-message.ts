import type { UpstreamErrorFacts } from './dialect-codec.ts';

/** A refusal the router treats differently from other rejected requests. */
export type UpstreamRefusal = NonNullable<UpstreamErrorFacts['refusal']>;

/**
 * What providers say, in their error messages, when the input (with the requested output) does
 * not fit the model's context window. Lower case; matched as substrings. A phrase is here only when
 * a provider (or a server Signalbox can call) is seen to send it; codes such as OpenAI's
 * `context_length_exceeded` are read by each dialect, not here.
 */
const contextLengthPhrases: readonly string[] = [
  // OpenAI Chat Completions and Azure OpenAI, vLLM, DeepSeek, OpenRouter, Fireworks, Llama on
  // Bedrock: "This model's maximum context length is 128000 tokens. However, your messages
  // resulted in 130000 tokens." Mistral: "Prompt contains 40000 tokens and 0 draft tokens, too
  // large for model with 32768 maximum context length".
  // https://platform.openai.com/docs/guides/error-codes ;
  // https://github.com/vllm-project/vllm/issues/20409 ; https://openrouter.ai/docs/api-reference/errors
  'maximum context length',
  // OpenAI Responses: "Your input exceeds the context window of this model. Please adjust your
  // input and try again." https://platform.openai.com/docs/api-reference/responses/object
  'exceeds the context window',
  // Groq: "Please reduce the length of the messages or completion." https://console.groq.com/docs/errors
  'reduce the length of the messages',
  // xAI: "This model's maximum prompt length is 131072 but the request contains 136973 tokens."
  // Not in xAI's reference; seen in https://github.com/cline/cline/issues/3120
  'maximum prompt length',
  // Together (and newer vLLM): "The input (265330 tokens) is longer than the model's context
  // length (262144 tokens)."; vLLM: "The decoder prompt (length 17772) is longer than the
  // maximum model length of 16384." https://github.com/xorbitsai/inference/issues/3785
  "longer than the model's context length",
  'longer than the maximum model length',
  // llama.cpp server (type `exceed_context_size_error`): "the request exceeds the available
  // context size, try increasing it". https://github.com/ggml-org/llama.cpp/pull/16486
  'exceeds the available context size',
  // LM Studio: "tokens to keep from the initial prompt is greater than the context length".
  'greater than the context length',
  // Ollama: "prompt too long; exceeded max context length by 4096 tokens".
  'exceeded max context length',
  // Moonshot (Kimi): "Your request exceeded model token limit: 262144 (requested: 300000)".
  'exceeded model token limit',
  // Anthropic (also on Vertex AI and Bedrock InvokeModel) and Claude behind Bedrock Converse:
  // "prompt is too long: 208310 tokens > 200000 maximum". https://docs.anthropic.com/en/api/errors
  'prompt is too long',
  // Anthropic: "input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000,
  // decrease input length or `max_tokens` and try again".
  'exceed context limit',
  // Bedrock InvokeModel and Converse: "Input is too long for requested model."
  // https://repost.aws/knowledge-center/bedrock-validation-exception-errors
  'input is too long',
  // Bedrock, Amazon Nova: "Input Tokens Exceeded: Number of input tokens exceeds maximum length.";
  // Amazon Titan: "Too many input tokens."
  'input tokens exceeded',
  'too many input tokens',
  // Gemini API and Vertex AI (400 INVALID_ARGUMENT): "The input token count (1200293) exceeds the
  // maximum number of tokens allowed (1048576)."
  // https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
  'exceeds the maximum number of tokens',
  // Cohere v2: "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer
  // inputs, or setting prompt_truncation='AUTO'."; v1: "too many tokens: total number of tokens
  // in the prompt cannot exceed 4081 - received 4292." Cohere's other "too many tokens" message
  // is about `max_tokens` above the model's output limit, not the window, so the bare prefix is
  // not enough. https://docs.cohere.com/reference/errors
  'size limit exceeded',
  'total number of tokens in the prompt cannot exceed',
];

/** What providers say when their safety system refused the content. Lower case substrings. */
const contentPolicyPhrases: readonly string[] = [
  // OpenAI `invalid_prompt`: "Invalid prompt: your prompt was flagged as potentially violating our
  // usage policy." https://platform.openai.com/docs/guides/error-codes
  'usage policy',
  // OpenAI `content_policy_violation`: "Your request was rejected as a result of our safety system."
  'rejected as a result of our safety system',
  // Azure OpenAI `content_filter`: "The response was filtered due to the prompt triggering Azure
  // OpenAI's content management policy."
  // https://learn.microsoft.com/azure/ai-services/openai/concepts/content-filter
  'content management policy',
  // Anthropic (400 invalid_request_error): "Output blocked by content filtering policy".
  // https://github.com/anthropics/claude-code/issues/58367
  'content filtering policy',
  // DeepSeek (400 invalid_request_error): "Content Exists Risk", its moderation refusal.
  // https://github.com/deepseek-ai/awesome-deepseek-integration/issues/13
  'content exists risk',
];

/**
 * Messages about rate limits and quotas, which can mention tokens and limits too ("Too many
 * tokens, please wait before trying again" from Bedrock, "Request too large ... on tokens per
 * minute" from Groq's 413): they never mean the window is too small.
 */
const rateLimitPhrases: readonly string[] = [
  'rate limit',
  'per minute',
  'per min',
  'please wait',
  'quota',
  'throttl',
];

const includesAny = (text: string, phrases: readonly string[]): boolean =>
  phrases.some((phrase) => text.includes(phrase));

/**
 * Reads a provider's free-text error message for a refusal the router treats apart: a request
 * too long for the model's context window, or one the provider's content policy refused.
 * Case-insensitive substring matching on phrases providers are seen to send; anything else
 * (including a non-string) is undefined. The message is only read, never kept. Pure.
 */
export function classifyRefusalMessage(message: unknown): UpstreamRefusal | undefined {
  if (typeof message !== 'string' || message === '') {
    return undefined;
  }
  const text = message.toLowerCase();
  if (includesAny(text, rateLimitPhrases)) {
    return undefined;
  }
  if (includesAny(text, contextLengthPhrases)) {
    return 'context-length';
  }
  return includesAny(text, contentPolicyPhrases) ? 'content-policy' : undefined;
}
