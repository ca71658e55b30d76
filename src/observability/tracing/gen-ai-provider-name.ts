/**
 * `gen_ai.provider.name` by Signalbox provider type: the well-known values of the GenAI semantic
 * conventions where the type is one of those providers (or a cloud that hosts the model), else
 * the type itself (OpenAI-compatible servers such as vLLM or Ollama have no well-known value).
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/
 */
const wellKnownNames: ReadonlyMap<string, string> = new Map([
  ['openai', 'openai'],
  ['openai-responses', 'openai'],
  ['azure-openai', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['vertex-anthropic', 'gcp.vertex_ai'],
  ['bedrock-anthropic', 'aws.bedrock'],
  ['gemini', 'gcp.gemini'],
  ['vertex-gemini', 'gcp.vertex_ai'],
  ['bedrock', 'aws.bedrock'],
  ['cohere', 'cohere'],
  ['mistral', 'mistral_ai'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['xai', 'x_ai'],
  ['perplexity', 'perplexity'],
]);

/** The GenAI provider name of a provider type. Pure. */
export function genAiProviderName(providerType: string): string {
  return wellKnownNames.get(providerType) ?? providerType;
}
