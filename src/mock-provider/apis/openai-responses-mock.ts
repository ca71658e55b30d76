import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { MockDialect } from '../mock-dialect.ts';
import type { MockRequest, MockRequestError, MockToolChoice } from '../mock-request.ts';
import { countPromptTokens } from '../mock-text.ts';
import { encodeOpenAiMockRefusal } from './openai-mock-refusal.ts';
import { encodeMockResponsesEvents, mockResponseObject } from './openai-responses-mock-wire.ts';

/**
 * OpenAI's path, and Azure OpenAI's (the v1 API, and the dated API that takes `api-version`).
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/responses
 */
const responsesPaths: ReadonlySet<string> = new Set([
  '/v1/responses',
  '/openai/v1/responses',
  '/openai/responses',
]);

/** The smallest `max_output_tokens` the API accepts. */
const minimumOutputTokens = 16;

/** The text of a Responses content value: a string, or its text parts joined by newlines. */
function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return '';
  }
  return content
    .map((part) =>
      isJsonObject(part) &&
      (part.type === 'input_text' || part.type === 'output_text') &&
      typeof part.text === 'string'
        ? part.text
        : '',
    )
    .filter((text) => text !== '')
    .join('\n');
}

/** What an input item says, for counting prompt tokens. */
function itemText(item: JsonObject): string {
  if (item.type === 'function_call') {
    return typeof item.arguments === 'string' ? item.arguments : '';
  }
  if (item.type === 'function_call_output') {
    return contentText(item.output);
  }
  return contentText(item.content);
}

function toolChoice(value: unknown): MockToolChoice {
  if (value === 'none' || value === 'required') {
    return value;
  }
  if (isJsonObject(value) && value.type === 'function' && typeof value.name === 'string') {
    return { name: value.name };
  }
  return 'auto';
}

function invalid(param: string, message: string, code: string): MockRequestError {
  return { status: 400, code, message, param };
}

/**
 * Reads an OpenAI Responses body as the mock needs it, refusing what the real API refuses: no
 * `model`, an `input` that is neither a string nor a list, or `max_output_tokens` below 16.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function parseOpenAiResponsesMockRequest(body: JsonObject): MockRequest | MockRequestError {
  if (typeof body.model !== 'string' || body.model === '') {
    return invalid('model', "Missing required parameter: 'model'.", 'missing_required_parameter');
  }
  const input = body.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    return invalid('input', "Missing required parameter: 'input'.", 'missing_required_parameter');
  }
  const limit = body.max_output_tokens;
  if (typeof limit === 'number' && limit < minimumOutputTokens) {
    return invalid(
      'max_output_tokens',
      `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${minimumOutputTokens}, but got ${limit} instead.`,
      'integer_below_min_value',
    );
  }
  const items: JsonObject[] =
    typeof input === 'string'
      ? [{ role: 'user', content: input }]
      : input.filter((item): item is JsonObject => isJsonObject(item));
  let lastUserText = '';
  for (const item of items) {
    if (item.role === 'user') {
      const text = contentText(item.content);
      if (text !== '') lastUserText = text;
    }
  }
  const instructions =
    typeof body.instructions === 'string' ? [{ content: body.instructions }] : [];
  const text = isJsonObject(body.text) ? body.text : {};
  const format = isJsonObject(text.format) ? text.format : undefined;
  return {
    model: body.model,
    stream: body.stream === true,
    lastUserText,
    lastMessageIsToolResult: items[items.length - 1]?.type === 'function_call_output',
    promptTokens: countPromptTokens([
      ...instructions,
      ...items.map((item) => ({ content: itemText(item) })),
    ]),
    tools: (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) =>
      isJsonObject(tool) && tool.type === 'function' && typeof tool.name === 'string'
        ? [{ name: tool.name, parameters: tool.parameters }]
        : [],
    ),
    toolChoice: toolChoice(body.tool_choice),
    parallelToolCalls: body.parallel_tool_calls !== false,
    maxOutputTokens:
      typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined,
    responseFormat:
      format?.type === 'json_object'
        ? { type: 'json-object' }
        : format?.type === 'json_schema'
          ? { type: 'json-schema', schema: format.schema }
          : undefined,
    choices: 1,
    includeUsage: false,
  };
}

function sseEvent(payload: JsonObject): string {
  return `event: ${String(payload.type)}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The mock speaking the OpenAI Responses API at `POST /v1/responses` (and Azure OpenAI's
 * `/openai/v1/responses` and `/openai/responses`): text, function calls from
 * the offered function tools, JSON when `text.format` asks for it, usage, and `incomplete` answers
 * cut by `max_output_tokens`. A failure in the middle of a stream is an `error` event followed by
 * `response.failed`, as OpenAI sends them; errors are OpenAI's `{"error": {...}}` bodies.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export const openAiResponsesMockDialect: MockDialect = {
  name: 'openai-responses',
  route(method, path) {
    if (method !== 'POST' || !responsesPaths.has(path)) return undefined;
    return path.startsWith('/openai/') ? { variant: 'azure' } : {};
  },
  parseRequest: (body) => parseOpenAiResponsesMockRequest(body),
  encodeResponse: (identity, reply) =>
    JSON.stringify(mockResponseObject(identity, reply, 'finished')),
  encodeStream(identity, reply) {
    const frames = encodeMockResponsesEvents(identity, reply).map(sseEvent);
    const failed = mockResponseObject(identity, reply, 'failed');
    return {
      contentType: 'text/event-stream; charset=utf-8',
      frames,
      // response.completed carries the usage and the whole answer: no frame only marks the end.
      terminalFrames: 0,
      // Cut before the last item is done and the response completes.
      truncateAt: Math.max(1, frames.length - 3),
      malformedFrame:
        'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",\n\n',
      errorFrame:
        sseEvent({
          type: 'error',
          sequence_number: 2,
          error: {
            type: 'server_error',
            code: 'server_error',
            message: 'Upstream secret detail: the server had an error.',
            param: null,
          },
        }) + sseEvent({ type: 'response.failed', sequence_number: 3, response: failed }),
      sse: true,
    };
  },
  encodeError(error) {
    return {
      body: JSON.stringify({
        error: {
          message: error.message,
          type: errorType(error.status),
          param: error.param ?? null,
          code: error.code,
        },
      }),
      headers: { 'content-type': 'application/json' },
    };
  },
  encodeRefusal: (refusal, request, route) =>
    encodeOpenAiMockRefusal(refusal, 'responses', route.variant === 'azure', request.promptTokens),
};
