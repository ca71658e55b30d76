import type { DialectCodec } from '../dialect-codec.ts';
import { readCohereChatErrorFacts } from './cohere-chat-error-body.ts';
import { CohereChatStreamDecoder } from './cohere-chat-stream-decoder.ts';
import { decodeCohereChatResponse } from './decode-cohere-chat-response.ts';
import { encodeCohereChatRequest } from './encode-cohere-chat-request.ts';
import { unsupportedCohereChatParameters } from './unsupported-cohere-chat-parameters.ts';

/**
 * The Cohere Chat API v2 dialect (`POST https://api.cohere.com/v2/chat`, streamed as SSE with
 * `stream: true`), egress only: Signalbox speaks it to Cohere, clients do not speak it to
 * Signalbox, and there is no same-dialect pass-through.
 * @see https://docs.cohere.com/reference/chat
 * @see https://docs.cohere.com/reference/chat-stream
 */
export const cohereChatCodec: DialectCodec = {
  id: 'cohere-chat',
  ingress: undefined,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedCohereChatParameters,
    encodeRequest: encodeCohereChatRequest,
    decodeResponse: decodeCohereChatResponse,
    createStreamDecoder: () => new CohereChatStreamDecoder(),
  },
  passThrough: undefined,
  readErrorFacts: readCohereChatErrorFacts,
};
