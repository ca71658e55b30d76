import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { MockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity, MockDialect } from '../mock-dialect.ts';
import type { MockRequest, MockToolChoice } from '../mock-request.ts';
import { countPromptTokens, readContentText, splitIntoTokens } from '../mock-text.ts';
import { splitArguments } from './openai-chat-mock-wire.ts';

const finishReasons = {
  stop: 'COMPLETE',
  length: 'MAX_TOKENS',
  'tool-calls': 'TOOL_CALL',
} as const;

function toolChoice(value: unknown): MockToolChoice {
  return value === 'REQUIRED' ? 'required' : value === 'NONE' ? 'none' : 'auto';
}

/**
 * Reads a Cohere v2 chat body as the mock needs it. Cohere may always call several tools at once,
 * so parallel calls are allowed; it answers with one message and always reports usage.
 * @see https://docs.cohere.com/reference/chat
 */
export function parseCohereMockRequest(body: JsonObject): MockRequest {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let lastUserText = '';
  for (const message of messages) {
    if (isJsonObject(message) && message.role === 'user') {
      lastUserText = readContentText(message.content);
    }
  }
  const last: unknown = messages[messages.length - 1];
  const format = isJsonObject(body.response_format) ? body.response_format : undefined;
  const limit = body.max_tokens;
  return {
    model: typeof body.model === 'string' ? body.model : '',
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
    parallelToolCalls: true,
    maxOutputTokens:
      typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined,
    responseFormat:
      format?.type !== 'json_object'
        ? undefined
        : isJsonObject(format.json_schema)
          ? { type: 'json-schema', schema: format.json_schema }
          : { type: 'json-object' },
    choices: 1,
    includeUsage: false,
  };
}

/** The sentence a Cohere model writes before its tool calls (`tool_plan`). */
function toolPlan(reply: MockChatReply): string {
  const names = reply.toolCalls.map((call) => call.name);
  return `I will use the ${names.join(' and ')} tool${names.length > 1 ? 's' : ''} to answer.`;
}

/**
 * Cohere's `usage`: billed units and model tokens (the same here, the mock has no system
 * preamble) and `cached_tokens`.
 * @see https://docs.cohere.com/reference/chat#response.body.usage
 */
function usage(reply: MockChatReply): JsonObject {
  const counts = { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens };
  return { billed_units: counts, tokens: counts, cached_tokens: 0 };
}

/**
 * The non-streamed body: `{id, message, finish_reason, usage}`, the message holding a text block,
 * or `tool_plan` and `tool_calls`.
 * @see https://docs.cohere.com/reference/chat#response
 */
export function encodeCohereMockResponse(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): string {
  const message =
    reply.toolCalls.length > 0
      ? {
          role: 'assistant',
          tool_plan: toolPlan(reply),
          tool_calls: reply.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        }
      : { role: 'assistant', content: [{ type: 'text', text: reply.tokens.join('') }] };
  return JSON.stringify({
    id: identity.id,
    message,
    finish_reason: finishReasons[reply.finishReason],
    usage: usage(reply),
  });
}

/** One SSE event as Cohere writes it: the event type on an `event:` line, then its JSON. */
function sseEvent(payload: JsonObject & { type: string }): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/**
 * The SSE frames of a streamed answer, in Cohere's order: `message-start` (with the id), then a
 * text block (`content-start`, `content-delta`s, `content-end`) or the tool plan
 * (`tool-plan-delta`s) and each tool call (`tool-call-start`, `tool-call-delta`s,
 * `tool-call-end`), and `message-end` with the finish reason and usage.
 * @see https://docs.cohere.com/reference/chat-stream
 * @see https://docs.cohere.com/docs/streaming
 */
export function encodeCohereMockStreamFrames(
  identity: MockCompletionIdentity,
  reply: MockChatReply,
): string[] {
  const frames = [
    `event: message-start\ndata: ${JSON.stringify({
      id: identity.id,
      type: 'message-start',
      delta: {
        message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] },
      },
    })}\n\n`,
  ];
  if (reply.toolCalls.length > 0) {
    for (const piece of splitIntoTokens(toolPlan(reply))) {
      frames.push(sseEvent({ type: 'tool-plan-delta', delta: { message: { tool_plan: piece } } }));
    }
    reply.toolCalls.forEach((call, index) => {
      frames.push(
        sseEvent({
          type: 'tool-call-start',
          index,
          delta: {
            message: {
              tool_calls: {
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: '' },
              },
            },
          },
        }),
      );
      for (const piece of splitArguments(call.arguments)) {
        frames.push(
          sseEvent({
            type: 'tool-call-delta',
            index,
            delta: { message: { tool_calls: { function: { arguments: piece } } } },
          }),
        );
      }
      frames.push(sseEvent({ type: 'tool-call-end', index }));
    });
  } else {
    frames.push(
      sseEvent({
        type: 'content-start',
        index: 0,
        delta: { message: { content: { type: 'text', text: '' } } },
      }),
    );
    for (const token of reply.tokens) {
      frames.push(
        sseEvent({
          type: 'content-delta',
          index: 0,
          delta: { message: { content: { text: token } } },
        }),
      );
    }
    frames.push(sseEvent({ type: 'content-end', index: 0 }));
  }
  frames.push(
    sseEvent({
      type: 'message-end',
      delta: { finish_reason: finishReasons[reply.finishReason], usage: usage(reply) },
    }),
  );
  return frames;
}

/**
 * The mock speaking Cohere's Chat API v2 at `POST /v2/chat`. Errors are Cohere's
 * `{"message": "..."}` bodies; a failure in the middle of a stream is a `message-end` whose
 * finish reason is `ERROR` with an `error` text, as Cohere's stream schema documents.
 * @see https://docs.cohere.com/reference/chat
 * @see https://docs.cohere.com/reference/errors
 */
export const cohereChatMockDialect: MockDialect = {
  name: 'cohere-chat',
  route(method, path) {
    return method === 'POST' && path === '/v2/chat' ? {} : undefined;
  },
  parseRequest(body) {
    if (typeof body.model !== 'string' || body.model === '') {
      return {
        status: 400,
        code: 'invalid_request',
        message: 'invalid request: a model parameter is required for this endpoint.',
        param: 'model',
      };
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return {
        status: 400,
        code: 'invalid_request',
        message: 'invalid request: messages must not be empty.',
        param: 'messages',
      };
    }
    return parseCohereMockRequest(body);
  },
  encodeResponse: (identity, reply) => encodeCohereMockResponse(identity, reply),
  encodeStream(identity, reply) {
    const frames = encodeCohereMockStreamFrames(identity, reply);
    return {
      contentType: 'text/event-stream',
      frames,
      // message-end carries the finish reason and usage, so no frame only marks completion.
      terminalFrames: 0,
      // Cut before the last block's end event and message-end.
      truncateAt: Math.max(1, frames.length - 2),
      malformedFrame: 'event: content-delta\ndata: {"type":"content-delta","index":0,"delta":{\n\n',
      errorFrame: sseEvent({
        type: 'message-end',
        delta: { error: 'Upstream secret detail: internal server error', finish_reason: 'ERROR' },
      }),
      sse: true,
    };
  },
  encodeError(error) {
    return {
      body: JSON.stringify({ message: error.message }),
      headers: { 'content-type': 'application/json' },
    };
  },
  // A prompt over the window is a 400 "too many tokens: size limit exceeded by N tokens". Cohere
  // documents no content-policy error, so that refusal is answered as usual.
  // https://docs.cohere.com/reference/errors
  encodeRefusal(refusal, request) {
    if (refusal !== 'context-length') {
      return undefined;
    }
    return {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'c0c0a000-0000-4000-8000-000000000000',
        message: `too many tokens: size limit exceeded by ${String(Math.max(1, request.promptTokens))} tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.`,
      }),
    };
  },
};
