import { isJsonObject } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { DialectCodec, IngressCodec } from '../dialect-codec.ts';
import { encodeAnthropicErrorBody, readAnthropicErrorFacts } from './anthropic-error-body.ts';
import { anthropicMessagesToCanonical, convertFormat } from './anthropic-messages-to-canonical.ts';
import { AnthropicStreamDecoder } from './anthropic-stream-decoder.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { AnthropicStreamTap } from './anthropic-stream-tap.ts';
import { decodeAnthropicUsage } from './anthropic-usage.ts';
import { decodeAnthropicRequest } from './decode-anthropic-request.ts';
import { decodeAnthropicResponse } from './decode-anthropic-response.ts';
import {
  encodeAnthropicRequest,
  unsupportedAnthropicParameters,
} from './encode-anthropic-request.ts';
import { encodeAnthropicResponse } from './encode-anthropic-response.ts';
import { rewriteAnthropicRequestBody } from './rewrite-anthropic-request-body.ts';
import { withAnthropicMessagesPreamble } from './with-anthropic-messages-preamble.ts';

/** Clients speaking the Anthropic Messages API to the gateway (`/v1/messages`). */
export const anthropicMessagesIngress: IngressCodec = {
  withPreamble: withAnthropicMessagesPreamble,
  decodeRequest: decodeAnthropicRequest,
  toChatRequest: anthropicMessagesToCanonical,
  readResponseFormat: (envelope) => convertFormat(envelope.body.value),
  encodeResponse: encodeAnthropicResponse,
  createStreamEncoder: (context) => new AnthropicStreamEncoder(context),
  encodeError: encodeAnthropicErrorBody,
  encodeStreamError: (error) =>
    encodeSseEvent(JSON.stringify(encodeAnthropicErrorBody(error)), 'error'),
  // Beta features (interleaved thinking, longer context, ...) are switched on by this header.
  forwardableHeaders: ['anthropic-beta'],
  encodeTokenCount: (inputTokens) => JSON.stringify({ input_tokens: inputTokens }),
};

/**
 * The Anthropic Messages dialect, as spoken by Anthropic's API, Claude on Vertex AI
 * (rawPredict) and Claude on Bedrock (InvokeModel).
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicMessagesCodec: DialectCodec = {
  id: 'anthropic-messages',
  ingress: anthropicMessagesIngress,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedAnthropicParameters,
    encodeRequest: encodeAnthropicRequest,
    decodeResponse: decodeAnthropicResponse,
    createStreamDecoder: () => new AnthropicStreamDecoder(),
  },
  passThrough: {
    rewriteRequestBody: rewriteAnthropicRequestBody,
    readResponseUsage: (body) =>
      isJsonObject(body) ? decodeAnthropicUsage(body.usage) : undefined,
    readFinishReasons: (body) =>
      isJsonObject(body) && typeof body.stop_reason === 'string' ? [body.stop_reason] : [],
    createStreamTap: () => new AnthropicStreamTap(),
  },
  readErrorFacts: readAnthropicErrorFacts,
};
