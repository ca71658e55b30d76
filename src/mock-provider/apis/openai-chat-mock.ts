import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { MockDialect } from '../mock-dialect.ts';
import type { MockRequest, MockToolChoice } from '../mock-request.ts';
import { countPromptTokens, readContentText } from '../mock-text.ts';
import { encodeMockChatChunks, encodeMockChatCompletion } from './openai-chat-mock-wire.ts';
import { encodeOpenAiMockRefusal } from './openai-mock-refusal.ts';

const azureDeploymentPath = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

function toolChoice(value: unknown): MockToolChoice {
  if (value === 'none' || value === 'required') {
    return value;
  }
  if (
    isJsonObject(value) &&
    isJsonObject(value.function) &&
    typeof value.function.name === 'string'
  ) {
    return { name: value.function.name };
  }
  return 'auto';
}

/** Reads an OpenAI Chat Completions body as the mock needs it. */
export function parseOpenAiMockRequest(body: JsonObject, model: string): MockRequest {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let lastUserText = '';
  for (const message of messages) {
    if (isJsonObject(message) && message.role === 'user') {
      lastUserText = readContentText(message.content);
    }
  }
  const last: unknown = messages[messages.length - 1];
  const format = isJsonObject(body.response_format) ? body.response_format : undefined;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  const streamOptions = isJsonObject(body.stream_options) ? body.stream_options : {};
  return {
    model,
    stream: body.stream === true,
    lastUserText,
    lastMessageIsToolResult: isJsonObject(last) && last.role === 'tool',
    promptTokens: countPromptTokens(messages),
    tools: (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
      isJsonObject(tool) && isJsonObject(tool.function) && typeof tool.function.name === 'string'
        ? [{ name: tool.function.name, parameters: tool.function.parameters }]
        : [],
    ),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: body.parallel_tool_calls !== false,
    maxOutputTokens:
      typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined,
    responseFormat:
      format?.type === 'json_object'
        ? { type: 'json-object' }
        : format?.type === 'json_schema' && isJsonObject(format.json_schema)
          ? { type: 'json-schema', schema: format.json_schema.schema }
          : undefined,
    choices:
      typeof body.n === 'number' && Number.isInteger(body.n) && body.n > 0
        ? Math.min(body.n, 8)
        : 1,
    includeUsage: streamOptions.include_usage === true,
  };
}

/**
 * The mock speaking OpenAI Chat Completions, at `/v1/chat/completions` and at Azure OpenAI's
 * deployment path (where the deployment names the model).
 */
export const openAiChatMockDialect: MockDialect = {
  name: 'openai-chat',
  route(method, path) {
    if (method !== 'POST') return undefined;
    if (path === '/v1/chat/completions') return {};
    const azure = azureDeploymentPath.exec(path);
    return azure === null
      ? undefined
      : { model: decodeURIComponent(azure[1] ?? ''), variant: 'azure' };
  },
  parseRequest(body, route) {
    const model = route.model ?? (typeof body.model === 'string' ? body.model : '');
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return {
        status: 400,
        code: 'invalid_value',
        message: "Invalid 'messages': empty array.",
        param: 'messages',
      };
    }
    return parseOpenAiMockRequest(body, model);
  },
  encodeResponse: (identity, reply) => encodeMockChatCompletion(identity, reply),
  encodeStream(identity, reply, request) {
    const payloads = encodeMockChatChunks(identity, reply, request.includeUsage);
    const frames = [...payloads.map((payload) => `data: ${payload}\n\n`), 'data: [DONE]\n\n'];
    return {
      contentType: 'text/event-stream; charset=utf-8',
      frames,
      terminalFrames: 1,
      truncateAt: Math.max(1, frames.length - 2 - (request.includeUsage ? 1 : 0)),
      malformedFrame: 'data: {"choices": [\n\n',
      errorFrame:
        'data: {"error":{"message":"Upstream secret detail","type":"server_error","code":"internal"}}\n\n',
      sse: true,
    };
  },
  encodeError(error) {
    const type =
      error.status === 429
        ? 'requests'
        : error.status >= 500
          ? 'server_error'
          : 'invalid_request_error';
    return {
      body: JSON.stringify({
        error: { message: error.message, type, param: error.param ?? null, code: error.code },
      }),
      headers: { 'content-type': 'application/json' },
    };
  },
  encodeRefusal: (refusal, request, route) =>
    encodeOpenAiMockRefusal(refusal, 'chat', route.variant === 'azure', request.promptTokens),
};
