import { isJsonObject } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { DialectCodec } from '../dialect-codec.ts';
import { decodeOpenAiChatUsage } from './decode-openai-chat-usage.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';
import { OpenAiChatStreamTap } from './openai-chat-stream-tap.ts';
import { encodeOpenAiErrorBody, readOpenAiErrorFacts } from './openai-error-body.ts';
import { rewriteOpenAiRequestBody } from './rewrite-openai-request-body.ts';

const operationPaths = { chat: '/chat/completions', embeddings: '/embeddings' } as const;

/**
 * The OpenAI dialect: Chat Completions and Embeddings, as spoken by OpenAI and every
 * OpenAI-compatible server.
 * @see https://platform.openai.com/docs/api-reference
 */
export const openAiChatCodec: DialectCodec = {
  id: 'openai-chat',
  operationPath: (operation) => operationPaths[operation],
  decodeRequest: decodeOpenAiRequest,
  rewriteRequestBody: rewriteOpenAiRequestBody,
  readResponseUsage: (body) => (isJsonObject(body) ? decodeOpenAiChatUsage(body.usage) : undefined),
  createStreamTap: (options) => new OpenAiChatStreamTap(options),
  readErrorFacts: readOpenAiErrorFacts,
  encodeError: encodeOpenAiErrorBody,
  // OpenAI reports a failure inside a stream as a data chunk holding an error object.
  encodeStreamError: (error) => encodeSseEvent(JSON.stringify(encodeOpenAiErrorBody(error))),
};
