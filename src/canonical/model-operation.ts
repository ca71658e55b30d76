/** What a request asks a model to do; each maps to one upstream endpoint per dialect. */
export type ModelOperation = 'chat' | 'embeddings';
