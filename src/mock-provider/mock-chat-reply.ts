import { isJsonObject, type JsonObject } from '../lib/json.ts';
import { extractMockDirectives, type MockDirectives } from './mock-directives.ts';
import { countPromptTokens, readContentText, splitIntoTokens } from './mock-text.ts';

/** A tool call the mock decided to make. */
export interface MockToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** Everything the mock will say in answer to one chat request, before it is put on the wire. */
export interface MockChatReply {
  /** Output pieces whose concatenation is the reply text; empty when the reply is tool calls. */
  readonly tokens: readonly string[];
  readonly toolCalls: readonly MockToolCall[];
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly directives: MockDirectives;
}

/** The models the mock serves and what each does. */
export const mockChatModels: ReadonlySet<string> = new Set(['echo', 'fast']);
export const mockEmbeddingModels: ReadonlySet<string> = new Set(['embed']);
const fastReply = 'Hello from Signalbox.';
const filler = ' lorem';

function lastUserText(messages: readonly unknown[]): string {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (isJsonObject(message) && message.role === 'user') {
      return readContentText(message.content);
    }
  }
  return '';
}

function lastRole(messages: readonly unknown[]): unknown {
  const last = messages[messages.length - 1];
  return isJsonObject(last) ? last.role : undefined;
}

/** A deterministic value satisfying a JSON Schema well enough for a test double. */
function sampleFromSchema(schema: unknown, text: string, depth = 0): unknown {
  if (!isJsonObject(schema) || depth > 8) {
    return text;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[0];
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    case 'object': {
      const properties = isJsonObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required)
        ? schema.required.filter((name): name is string => typeof name === 'string')
        : Object.keys(properties);
      const value: JsonObject = {};
      for (const name of required) {
        value[name] = sampleFromSchema(properties[name], text, depth + 1);
      }
      return value;
    }
    default:
      return text;
  }
}

function chooseTools(request: JsonObject, directives: MockDirectives): JsonObject[] {
  const tools = Array.isArray(request.tools) ? request.tools.filter(isJsonObject) : [];
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') {
    return [];
  }
  if (lastRole(Array.isArray(request.messages) ? request.messages : []) === 'tool') {
    return [];
  }
  if (
    isJsonObject(choice) &&
    isJsonObject(choice.function) &&
    typeof choice.function.name === 'string'
  ) {
    const wanted = choice.function.name;
    return tools.filter((tool) => isJsonObject(tool.function) && tool.function.name === wanted);
  }
  if (directives.parallelTools === true && request.parallel_tool_calls !== false) {
    return tools;
  }
  return tools.slice(0, 1);
}

function replyText(model: string, text: string, request: JsonObject): string {
  const format = isJsonObject(request.response_format) ? request.response_format : undefined;
  if (format?.type === 'json_object') {
    return JSON.stringify({ reply: text });
  }
  if (format?.type === 'json_schema' && isJsonObject(format.json_schema)) {
    return JSON.stringify(sampleFromSchema(format.json_schema.schema, text));
  }
  if (model === 'fast') {
    return fastReply;
  }
  return text === '' ? 'Hello from the Signalbox mock.' : text;
}

function outputLimit(request: JsonObject): number | undefined {
  const limit = request.max_completion_tokens ?? request.max_tokens;
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined;
}

/**
 * Decides the mock's answer: `echo` repeats the last user message, `fast` says one fixed line;
 * `!mock` lines addressed to every mock or to `mockName` script faults;
 * when tools are offered (and the last message is not a tool result) it calls them with
 * arguments built from their schemas. Honours max_tokens (finish reason `length`) unless a
 * `tokens=` directive asks for a runaway answer. Deterministic for a given request. Pure.
 */
export function planMockChatReply(
  model: string,
  request: JsonObject,
  callNumber: number,
  mockName: string,
): MockChatReply {
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const { directives, text } = extractMockDirectives(lastUserText(messages), mockName);
  const promptTokens = countPromptTokens(messages);
  const tools = chooseTools(request, directives);
  if (tools.length > 0) {
    const toolCalls = tools.map((tool, index) => {
      const definition = isJsonObject(tool.function) ? tool.function : {};
      return {
        id: `call_mock_${callNumber}_${index}`,
        name: typeof definition.name === 'string' ? definition.name : 'tool',
        arguments: JSON.stringify(
          sampleFromSchema(definition.parameters ?? { type: 'object' }, text),
        ),
      };
    });
    const completionTokens = toolCalls.reduce(
      (sum, call) => sum + splitIntoTokens(call.arguments).length + 3,
      0,
    );
    return {
      tokens: [],
      toolCalls,
      finishReason: 'tool_calls',
      promptTokens,
      completionTokens,
      directives,
    };
  }
  let tokens = splitIntoTokens(replyText(model, text, request));
  let finishReason: MockChatReply['finishReason'] = 'stop';
  if (directives.tokens !== undefined) {
    tokens = Array.from(
      { length: directives.tokens },
      (_, index) => tokens[index % Math.max(tokens.length, 1)] ?? filler,
    );
  } else {
    const limit = outputLimit(request);
    if (limit !== undefined && tokens.length > limit) {
      tokens = tokens.slice(0, limit);
      finishReason = 'length';
    }
  }
  return {
    tokens,
    toolCalls: [],
    finishReason,
    promptTokens,
    completionTokens: tokens.length,
    directives,
  };
}
