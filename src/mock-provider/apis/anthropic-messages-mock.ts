import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { MockDialect, MockRoute } from '../mock-dialect.ts';
import type { MockRequest, MockRequestError, MockToolChoice } from '../mock-request.ts';
import { countPromptTokens, readContentText } from '../mock-text.ts';
import {
  encodeMockAnthropicEvents,
  encodeMockAnthropicMessage,
} from './anthropic-messages-mock-wire.ts';

const vertexPath =
  /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

function toolChoice(value: unknown): MockToolChoice {
  if (!isJsonObject(value)) return 'auto';
  if (value.type === 'any') return 'required';
  if (value.type === 'none') return 'none';
  if (value.type === 'tool' && typeof value.name === 'string') return { name: value.name };
  return 'auto';
}

function isToolResultTurn(message: unknown): boolean {
  return (
    isJsonObject(message) &&
    message.role === 'user' &&
    Array.isArray(message.content) &&
    message.content.some((block) => isJsonObject(block) && block.type === 'tool_result')
  );
}

/**
 * Reads an Anthropic Messages body as the mock needs it, refusing what the real API refuses:
 * no `max_tokens` on a generation request, or an empty `messages` array.
 */
export function parseAnthropicMockRequest(
  body: JsonObject,
  route: MockRoute,
): MockRequest | MockRequestError {
  const messages: readonly unknown[] = Array.isArray(body.messages) ? body.messages : [];
  if (messages.length === 0) {
    return {
      status: 400,
      code: 'invalid_request_error',
      message: 'messages: at least one message is required',
    };
  }
  const limit = body.max_tokens;
  const counting = route.operation === 'count-tokens';
  if (!counting && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    return { status: 400, code: 'invalid_request_error', message: 'max_tokens: Field required' };
  }
  let lastUserText = '';
  for (const message of messages) {
    if (isJsonObject(message) && message.role === 'user') {
      const text = readContentText(message.content);
      if (text !== '') lastUserText = text;
    }
  }
  const outputConfig = isJsonObject(body.output_config) ? body.output_config : {};
  const format = isJsonObject(outputConfig.format) ? outputConfig.format : undefined;
  const choice = isJsonObject(body.tool_choice) ? body.tool_choice : {};
  const system: unknown[] = body.system === undefined ? [] : [{ content: body.system }];
  return {
    model: route.model ?? (typeof body.model === 'string' ? body.model : ''),
    stream: body.stream === true,
    lastUserText,
    lastMessageIsToolResult: isToolResultTurn(messages[messages.length - 1]),
    promptTokens: countPromptTokens([...system, ...messages]),
    tools: (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
      isJsonObject(tool) && typeof tool.name === 'string'
        ? [{ name: tool.name, parameters: tool.input_schema }]
        : [],
    ),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: choice.disable_parallel_tool_use !== true,
    maxOutputTokens: typeof limit === 'number' ? limit : undefined,
    responseFormat:
      format?.type === 'json_schema' ? { type: 'json-schema', schema: format.schema } : undefined,
    choices: 1,
    includeUsage: false,
  };
}

/** The context window the mock claims for Claude when it refuses a prompt as too long. */
const mockContextWindow = 200_000;

function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function sseEvent(event: object & { type?: unknown }): string {
  return `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The mock speaking the Anthropic Messages API: `/v1/messages`, `/v1/messages/count_tokens`, and
 * Claude on Vertex AI (`:rawPredict` / `:streamRawPredict`, where the path names the model and
 * the body must carry `anthropic_version`).
 * @see https://docs.anthropic.com/en/api/messages
 */
export const anthropicMessagesMockDialect: MockDialect = {
  name: 'anthropic-messages',
  route(method, path) {
    if (method !== 'POST') return undefined;
    if (path === '/v1/messages') return {};
    if (path === '/v1/messages/count_tokens') return { operation: 'count-tokens' };
    if (
      /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/count-tokens:rawPredict$/.test(
        path,
      )
    ) {
      return { operation: 'count-tokens' };
    }
    const vertex = vertexPath.exec(path);
    return vertex === null
      ? undefined
      : { model: decodeURIComponent(vertex[1] ?? ''), variant: 'vertex' };
  },
  parseRequest(body, route) {
    if (route.variant === 'vertex' && body.anthropic_version !== 'vertex-2023-10-16') {
      return {
        status: 400,
        code: 'invalid_request_error',
        message: 'anthropic_version: Input should be "vertex-2023-10-16"',
      };
    }
    return parseAnthropicMockRequest(body, route);
  },
  encodeResponse: (identity, reply) => JSON.stringify(encodeMockAnthropicMessage(identity, reply)),
  encodeTokenCount: (request) => JSON.stringify({ input_tokens: request.promptTokens }),
  encodeStream(identity, reply) {
    const frames = encodeMockAnthropicEvents(identity, reply).map(sseEvent);
    return {
      contentType: 'text/event-stream; charset=utf-8',
      frames,
      terminalFrames: 1,
      truncateAt: Math.max(1, frames.length - 3),
      malformedFrame: 'event: content_block_delta\ndata: {"type":"content_block_delta",\n\n',
      errorFrame:
        'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (upstream secret detail)"}}\n\n',
      sse: true,
    };
  },
  encodeError(error) {
    return {
      body: JSON.stringify({
        type: 'error',
        error: { type: anthropicErrorType(error.status), message: error.message },
      }),
      headers: { 'content-type': 'application/json' },
    };
  },
  // Both refusals are 400 invalid_request_error, on Vertex AI too.
  // https://docs.anthropic.com/en/api/errors
  encodeRefusal(refusal, request) {
    const message =
      refusal === 'context-length'
        ? `prompt is too long: ${String(mockContextWindow + request.promptTokens)} tokens > ${String(mockContextWindow)} maximum`
        : 'Output blocked by content filtering policy';
    return {
      status: 400,
      ...anthropicMessagesMockDialect.encodeError({
        status: 400,
        code: 'invalid_request_error',
        message,
      }),
    };
  },
};
