import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { MockChatReply, MockToolCall } from '../mock-chat-reply.ts';
import type { MockDialect, MockStreamFrames } from '../mock-dialect.ts';
import type { MockRequest, MockRequestError, MockToolChoice } from '../mock-request.ts';
import { splitIntoTokens } from '../mock-text.ts';
import { encodeEventStreamMessage } from '../encode-event-stream-message.ts';
import { encodeBedrockMockError, encodeBedrockMockRefusal } from './bedrock-error-mock.ts';
import { splitArguments } from './openai-chat-mock-wire.ts';

const conversePath = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const stopReasons = { stop: 'end_turn', length: 'max_tokens', 'tool-calls': 'tool_use' } as const;
const padding = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function blocks(message: unknown): JsonObject[] {
  return isJsonObject(message) && Array.isArray(message.content)
    ? message.content.filter(isJsonObject)
    : [];
}

function blocksText(content: readonly JsonObject[]): string {
  return content
    .flatMap((block) => (typeof block.text === 'string' && block.text !== '' ? [block.text] : []))
    .join('\n');
}

function readToolChoice(toolConfig: JsonObject, modelFields: JsonObject): MockToolChoice {
  // Claude's own tool_choice (sent where Converse has no value for it) wins, as on Bedrock.
  const claude = isJsonObject(modelFields.tool_choice) ? modelFields.tool_choice : undefined;
  if (claude?.type === 'none') return 'none';
  if (claude?.type === 'any') return 'required';
  if (claude?.type === 'tool' && typeof claude.name === 'string') return { name: claude.name };
  const choice = isJsonObject(toolConfig.toolChoice) ? toolConfig.toolChoice : {};
  if (isJsonObject(choice.any)) return 'required';
  if (isJsonObject(choice.tool) && typeof choice.tool.name === 'string') {
    return { name: choice.tool.name };
  }
  return 'auto';
}

/**
 * Reads a Converse body as the mock needs it, refusing (as Bedrock does) tool blocks without a
 * `toolConfig` and a Claude `tool_choice` next to Converse's own `toolChoice`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 */
export function parseBedrockConverseMockRequest(
  body: JsonObject,
  model: string,
  stream: boolean,
): MockRequest | MockRequestError {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  if (messages.length === 0) {
    return { status: 400, code: 'ValidationException', message: 'The messages field is empty.' };
  }
  const toolConfig = isJsonObject(body.toolConfig) ? body.toolConfig : {};
  const modelFields = isJsonObject(body.additionalModelRequestFields)
    ? body.additionalModelRequestFields
    : {};
  // Two validations Bedrock really makes, which a gateway must respect.
  const toolBlocks = messages.some((message) =>
    blocks(message).some((block) => isJsonObject(block.toolUse) || isJsonObject(block.toolResult)),
  );
  if (toolBlocks && !isJsonObject(body.toolConfig)) {
    return {
      status: 400,
      code: 'ValidationException',
      message:
        'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
    };
  }
  if (isJsonObject(modelFields.tool_choice) && toolConfig.toolChoice !== undefined) {
    return {
      status: 400,
      code: 'ValidationException',
      message: 'The additional field tool_choice conflicts with the field toolConfig.toolChoice.',
    };
  }
  const format = isJsonObject(body.outputConfig) ? body.outputConfig.textFormat : undefined;
  let responseFormat: MockRequest['responseFormat'];
  if (isJsonObject(format) && format.type === 'json_schema') {
    const structure = isJsonObject(format.structure) ? format.structure : {};
    const definition = isJsonObject(structure.jsonSchema) ? structure.jsonSchema : {};
    const schema = safeParseJson(typeof definition.schema === 'string' ? definition.schema : '');
    if (!schema.ok) {
      return { status: 400, code: 'ValidationException', message: 'The JSON schema is invalid.' };
    }
    responseFormat = { type: 'json-schema', schema: schema.value };
  }
  let lastUserText = '';
  let promptTokens = 0;
  const system = Array.isArray(body.system) ? blocksText(body.system.filter(isJsonObject)) : '';
  if (system !== '') promptTokens += 4 + splitIntoTokens(system).length;
  for (const message of messages) {
    const text = blocksText(blocks(message));
    promptTokens += 4 + splitIntoTokens(text).length;
    if (isJsonObject(message) && message.role === 'user' && text !== '') lastUserText = text;
  }
  const last: unknown = messages[messages.length - 1];
  const inference = isJsonObject(body.inferenceConfig) ? body.inferenceConfig : {};
  const limit = inference.maxTokens;
  const claudeChoice = isJsonObject(modelFields.tool_choice) ? modelFields.tool_choice : {};
  return {
    model,
    stream,
    lastUserText,
    lastMessageIsToolResult:
      isJsonObject(last) &&
      last.role === 'user' &&
      blocks(last).some((block) => isJsonObject(block.toolResult)),
    promptTokens,
    tools: (Array.isArray(toolConfig.tools) ? toolConfig.tools : []).flatMap((tool) =>
      isJsonObject(tool) && isJsonObject(tool.toolSpec) && typeof tool.toolSpec.name === 'string'
        ? [
            {
              name: tool.toolSpec.name,
              parameters: isJsonObject(tool.toolSpec.inputSchema)
                ? tool.toolSpec.inputSchema.json
                : undefined,
            },
          ]
        : [],
    ),
    toolChoice: readToolChoice(toolConfig, modelFields),
    parallelToolCalls: claudeChoice.disable_parallel_tool_use !== true,
    maxOutputTokens:
      typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined,
    responseFormat,
    choices: 1,
    includeUsage: true,
  };
}

function toolUseId(call: MockToolCall): string {
  return call.id.replace(/^call_/, 'tooluse_');
}

function toolInput(call: MockToolCall): unknown {
  const parsed = safeParseJson(call.arguments);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
}

function latencyMs(reply: MockChatReply): number {
  return 100 + reply.completionTokens * 10;
}

/**
 * The Converse response body, shaped like Bedrock's.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function encodeBedrockConverseMockResponse(reply: MockChatReply): string {
  const text = reply.tokens.join('');
  const content =
    reply.toolCalls.length > 0
      ? reply.toolCalls.map((call) => ({
          toolUse: { toolUseId: toolUseId(call), name: call.name, input: toolInput(call) },
        }))
      : text === ''
        ? []
        : [{ text }];
  return JSON.stringify({
    metrics: { latencyMs: latencyMs(reply) },
    output: { message: { role: 'assistant', content } },
    stopReason: stopReasons[reply.finishReason],
    usage: {
      inputTokens: reply.promptTokens,
      outputTokens: reply.completionTokens,
      totalTokens: reply.promptTokens + reply.completionTokens,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    },
  });
}

function eventFrame(eventType: string, payload: string): Uint8Array {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    payload,
  );
}

/**
 * The ConverseStream events of an answer, in the order Bedrock sends them, each payload with the
 * random-length `p` padding real payloads carry (here of a deterministic length): `messageStart`,
 * the content blocks (text deltas without a `contentBlockStart`, as Bedrock does; each tool call
 * opened by `contentBlockStart`), `messageStop`, then `metadata` with usage.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html#API_runtime_ConverseStream_ResponseSyntax
 */
export function encodeBedrockConverseMockEvents(
  reply: MockChatReply,
): { readonly type: string; readonly payload: JsonObject }[] {
  const events: { type: string; payload: JsonObject }[] = [
    { type: 'messageStart', payload: { role: 'assistant' } },
  ];
  if (reply.toolCalls.length > 0) {
    reply.toolCalls.forEach((call, index) => {
      events.push({
        type: 'contentBlockStart',
        payload: {
          contentBlockIndex: index,
          start: { toolUse: { toolUseId: toolUseId(call), name: call.name } },
        },
      });
      for (const piece of splitArguments(call.arguments)) {
        events.push({
          type: 'contentBlockDelta',
          payload: { contentBlockIndex: index, delta: { toolUse: { input: piece } } },
        });
      }
      events.push({ type: 'contentBlockStop', payload: { contentBlockIndex: index } });
    });
  } else if (reply.tokens.length > 0) {
    for (const token of reply.tokens) {
      events.push({
        type: 'contentBlockDelta',
        payload: { contentBlockIndex: 0, delta: { text: token } },
      });
    }
    events.push({ type: 'contentBlockStop', payload: { contentBlockIndex: 0 } });
  }
  events.push({ type: 'messageStop', payload: { stopReason: stopReasons[reply.finishReason] } });
  events.push({
    type: 'metadata',
    payload: {
      usage: {
        inputTokens: reply.promptTokens,
        outputTokens: reply.completionTokens,
        totalTokens: reply.promptTokens + reply.completionTokens,
      },
      metrics: { latencyMs: latencyMs(reply) },
    },
  });
  return events.map((event, index) => ({
    type: event.type,
    payload: { ...event.payload, p: padding.slice(0, 1 + ((index * 7) % padding.length)) },
  }));
}

/**
 * The mock speaking Amazon Bedrock Converse at `POST /model/{modelId}/converse` and
 * `/converse-stream` (the model id URL-encoded in the path). Streams are binary
 * `application/vnd.amazon.eventstream` messages; errors are `{"message": ...}` with the error
 * type in `x-amzn-errortype`.
 */
export const bedrockConverseMockDialect: MockDialect = {
  name: 'bedrock-converse',
  route(method, path) {
    const match = method === 'POST' ? conversePath.exec(path) : null;
    if (match === null) {
      return undefined;
    }
    try {
      return { model: decodeURIComponent(match[1] ?? ''), stream: match[2] === 'converse-stream' };
    } catch {
      return undefined;
    }
  },
  parseRequest: (body, route) =>
    parseBedrockConverseMockRequest(body, route.model ?? '', route.stream === true),
  encodeResponse: (_identity, reply) => encodeBedrockConverseMockResponse(reply),
  encodeStream(_identity, reply): MockStreamFrames {
    const frames = encodeBedrockConverseMockEvents(reply).map((event) =>
      eventFrame(event.type, JSON.stringify(event.payload)),
    );
    return {
      contentType: 'application/vnd.amazon.eventstream',
      frames,
      // Converse has no pure end marker; the last frame is the usage `metadata`.
      terminalFrames: 1,
      truncateAt: Math.max(1, frames.length - 2),
      malformedFrame: eventFrame('contentBlockDelta', '{"contentBlockIndex":0,"delta":{'),
      errorFrame: encodeEventStreamMessage(
        {
          ':exception-type': 'modelStreamErrorException',
          ':content-type': 'application/json',
          ':message-type': 'exception',
        },
        JSON.stringify({
          message: 'Upstream secret detail',
          originalStatusCode: 500,
          originalMessage: 'Upstream secret detail',
        }),
      ),
      sse: false,
    };
  },
  encodeError: encodeBedrockMockError,
  encodeRefusal: (refusal) => encodeBedrockMockRefusal(refusal, 'converse'),
};
