import type { CatalogModel, ProviderQuirks } from './provider-type.ts';

/** Chat models by name, for catalogues. */
export function chatModels(...names: string[]): CatalogModel[] {
  return names.map((name) => ({ name, kind: 'chat' }));
}

/** Embedding models by name, for catalogues. */
export function embeddingModels(...names: string[]): CatalogModel[] {
  return names.map((name) => ({ name, kind: 'embeddings' }));
}

/** The OpenAI-compatible family: model in the body, `max_tokens`, usage on request. */
export const openAiCompatible: ProviderQuirks = {
  streamUsageOption: true,
  embeddings: true,
  modelInBody: true,
  bodyFields: {},
  maxTokensField: 'max_tokens',
  streamInBody: true,
  clientHeaders: [],
  headers: {},
};

export const chatOnly: ProviderQuirks = { ...openAiCompatible, embeddings: false };

/** Providers whose URL names the model; no OpenAI-only options. */
export const modelInUrl: ProviderQuirks = {
  ...openAiCompatible,
  streamUsageOption: false,
  embeddings: false,
  modelInBody: false,
};

export const anthropicClaudeModels = chatModels(
  'claude-opus-4-1',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
);
