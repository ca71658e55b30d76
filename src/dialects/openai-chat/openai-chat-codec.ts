import { isJsonObject } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { DialectCodec, IngressCodec } from '../dialect-codec.ts';
import { decodeOpenAiChatResponse } from './decode-openai-chat-response.ts';
import { decodeOpenAiChatUsage } from './decode-openai-chat-usage.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';
import {
  encodeOpenAiChatRequest,
  unsupportedOpenAiChatParameters,
} from './encode-openai-chat-request.ts';
import { encodeOpenAiChatResponse } from './encode-openai-chat-response.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiChatStreamEncoder } from './openai-chat-stream-encoder.ts';
import { OpenAiChatStreamTap } from './openai-chat-stream-tap.ts';
import { convertResponseFormat, openAiChatToCanonical } from './openai-chat-to-canonical.ts';
import { encodeOpenAiErrorBody, readOpenAiErrorFacts } from './openai-error-body.ts';
import { rewriteOpenAiRequestBody } from './rewrite-openai-request-body.ts';
import { withOpenAiChatPreamble } from './with-openai-chat-preamble.ts';

/** Clients speaking OpenAI Chat Completions (and Embeddings) to the gateway. */
export const openAiChatIngress: IngressCodec = {
  withPreamble: withOpenAiChatPreamble,
  decodeRequest: decodeOpenAiRequest,
  toChatRequest: openAiChatToCanonical,
  readResponseFormat: (envelope) => convertResponseFormat(envelope.body.value.response_format),
  encodeResponse: encodeOpenAiChatResponse,
  createStreamEncoder: (context) => new OpenAiChatStreamEncoder(context),
  encodeError: encodeOpenAiErrorBody,
  // OpenAI reports a failure inside a stream as a data chunk holding an error object.
  encodeStreamError: (error) => encodeSseEvent(JSON.stringify(encodeOpenAiErrorBody(error))),
  forwardableHeaders: [],
};

/**
 * The OpenAI Chat Completions dialect (and Embeddings), as spoken by OpenAI, Azure OpenAI and
 * every OpenAI-compatible server.
 * @see https://platform.openai.com/docs/api-reference/chat
 */
export const openAiChatCodec: DialectCodec = {
  id: 'openai-chat',
  ingress: openAiChatIngress,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedOpenAiChatParameters,
    encodeRequest: encodeOpenAiChatRequest,
    decodeResponse: decodeOpenAiChatResponse,
    createStreamDecoder: () => new OpenAiChatStreamDecoder(),
  },
  passThrough: {
    rewriteRequestBody: rewriteOpenAiRequestBody,
    readResponseUsage: (body) =>
      isJsonObject(body) ? decodeOpenAiChatUsage(body.usage) : undefined,
    readFinishReasons: (body) =>
      isJsonObject(body) && Array.isArray(body.choices)
        ? body.choices.flatMap((choice) =>
            isJsonObject(choice) && typeof choice.finish_reason === 'string'
              ? [choice.finish_reason]
              : [],
          )
        : [],
    createStreamTap: (options) => new OpenAiChatStreamTap(options),
  },
  readErrorFacts: readOpenAiErrorFacts,
};
