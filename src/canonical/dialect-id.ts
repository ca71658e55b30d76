/** The wire formats Signalbox speaks, each with pure codecs under `src/dialects/<id>/`. */
export type DialectId =
  | 'openai-chat'
  | 'openai-responses'
  | 'anthropic-messages'
  | 'gemini-generate-content'
  | 'bedrock-converse'
  | 'cohere-chat'
  | 'mistral-chat';
