import type { DialectCodec } from '../dialect-codec.ts';
import { decodeOpenAiChatResponse } from '../openai-chat/decode-openai-chat-response.ts';
import { OpenAiChatStreamDecoder } from '../openai-chat/openai-chat-stream-decoder.ts';
import {
  encodeMistralChatRequest,
  unsupportedMistralChatParameters,
} from './encode-mistral-chat-request.ts';
import { readMistralErrorFacts } from './read-mistral-error-facts.ts';

/**
 * Mistral's chat API: Chat Completions with its own spellings on the way out. Answers are in the
 * Chat Completions shape (tool calls without `index`, usage on the last chunk, thinking as typed
 * content chunks), which the OpenAI decoders already read. Egress only: Mistral clients use the
 * OpenAI route.
 * @see https://docs.mistral.ai/api/
 */
export const mistralChatCodec: DialectCodec = {
  id: 'mistral-chat',
  ingress: undefined,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedMistralChatParameters,
    encodeRequest: encodeMistralChatRequest,
    decodeResponse: decodeOpenAiChatResponse,
    createStreamDecoder: () => new OpenAiChatStreamDecoder(),
  },
  passThrough: undefined,
  readErrorFacts: readMistralErrorFacts,
};
