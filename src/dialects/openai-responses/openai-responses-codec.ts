import { isJsonObject } from '../../lib/json.ts';
import type { DialectCodec, IngressCodec } from '../dialect-codec.ts';
import { encodeOpenAiErrorBody, readOpenAiErrorFacts } from '../openai-chat/openai-error-body.ts';
import { decodeOpenAiResponsesRequest } from './decode-openai-responses-request.ts';
import { decodeOpenAiResponsesResponse } from './decode-openai-responses-response.ts';
import {
  encodeOpenAiResponsesRequest,
  unsupportedOpenAiResponsesParameters,
} from './encode-openai-responses-request.ts';
import { encodeOpenAiResponsesResponse } from './encode-openai-responses-response.ts';
import { encodeOpenAiResponsesErrorEvent } from './openai-responses-error-event.ts';
import { OpenAiResponsesStreamDecoder } from './openai-responses-stream-decoder.ts';
import { OpenAiResponsesStreamEncoder } from './openai-responses-stream-encoder.ts';
import { OpenAiResponsesStreamTap } from './openai-responses-stream-tap.ts';
import { convertTextFormat, openAiResponsesToCanonical } from './openai-responses-to-canonical.ts';
import { decodeOpenAiResponsesUsage } from './openai-responses-usage.ts';
import { readOpenAiResponsesFinishReasons } from './openai-responses-finish-reason.ts';
import { rewriteOpenAiResponsesRequestBody } from './rewrite-openai-responses-request-body.ts';
import { withOpenAiResponsesPreamble } from './with-openai-responses-preamble.ts';

/** Clients speaking the OpenAI Responses API to the gateway (`POST /v1/responses`). */
export const openAiResponsesIngress: IngressCodec = {
  withPreamble: withOpenAiResponsesPreamble,
  decodeRequest: decodeOpenAiResponsesRequest,
  toChatRequest: openAiResponsesToCanonical,
  readResponseFormat: (envelope) => convertTextFormat(envelope.body.value.text),
  encodeResponse: encodeOpenAiResponsesResponse,
  createStreamEncoder: (context) => new OpenAiResponsesStreamEncoder(context),
  // The Responses API uses the same error body as the rest of OpenAI's API.
  encodeError: encodeOpenAiErrorBody,
  // Without the stream's state, the error event is numbered 0; clients do not rely on it.
  encodeStreamError: (error) => encodeOpenAiResponsesErrorEvent(error, 0),
  forwardableHeaders: [],
};

/**
 * The OpenAI Responses dialect, as spoken by OpenAI, Azure OpenAI (v1 Responses) and xAI. The
 * gateway always calls it statelessly (`store: false`, the whole conversation in `input`); a
 * Responses client talking to a Responses provider is passed through, its stateful fields
 * included.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export const openAiResponsesCodec: DialectCodec = {
  id: 'openai-responses',
  ingress: openAiResponsesIngress,
  egress: {
    framing: 'sse',
    unsupportedParameters: unsupportedOpenAiResponsesParameters,
    encodeRequest: encodeOpenAiResponsesRequest,
    decodeResponse: decodeOpenAiResponsesResponse,
    createStreamDecoder: () => new OpenAiResponsesStreamDecoder(),
  },
  passThrough: {
    rewriteRequestBody: rewriteOpenAiResponsesRequestBody,
    readResponseUsage: (body) =>
      isJsonObject(body) ? decodeOpenAiResponsesUsage(body.usage) : undefined,
    readFinishReasons: readOpenAiResponsesFinishReasons,
    createStreamTap: () => new OpenAiResponsesStreamTap(),
  },
  readErrorFacts: readOpenAiErrorFacts,
};
