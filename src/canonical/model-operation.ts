/**
 * What a request asks a model to do; each maps to one upstream endpoint per dialect.
 * `count-tokens` measures a chat request's input without generating (Anthropic's
 * `/v1/messages/count_tokens`).
 */
export type ModelOperation = 'chat' | 'embeddings' | 'count-tokens';
