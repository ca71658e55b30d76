import { isJsonObject, type JsonObject } from '../lib/json.ts';
import { extractMockDirectives, type MockDirectives } from './mock-directives.ts';
import type { MockRequest, MockTool } from './mock-request.ts';
import { splitIntoTokens } from './mock-text.ts';

/** A tool call the mock decided to make. */
export interface MockToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text of the arguments. */
  readonly arguments: string;
}

/** Everything the mock will say in answer to one chat request, before it is put on the wire. */
export interface MockChatReply {
  /** Output pieces whose concatenation is the reply text; empty when the reply is tool calls. */
  readonly tokens: readonly string[];
  readonly toolCalls: readonly MockToolCall[];
  readonly finishReason: 'stop' | 'length' | 'tool-calls';
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly directives: MockDirectives;
}

/** The models the mock serves and what each does. */
export const mockChatModels: ReadonlySet<string> = new Set(['echo', 'fast']);
export const mockEmbeddingModels: ReadonlySet<string> = new Set(['embed']);
const fastReply = 'Hello from Signalbox.';
const filler = ' lorem';

/** A deterministic value satisfying a JSON Schema well enough for a test double. */
export function sampleFromSchema(schema: unknown, text: string, depth = 0): unknown {
  if (!isJsonObject(schema) || depth > 8) {
    return text;
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return schema.enum[0];
  }
  const type: unknown = Array.isArray(schema.type) ? (schema.type as unknown[])[0] : schema.type;
  switch (typeof type === 'string' ? type.toLowerCase() : type) {
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

function chooseTools(request: MockRequest, directives: MockDirectives): readonly MockTool[] {
  const choice = request.toolChoice;
  if (request.tools.length === 0 || choice === 'none' || request.lastMessageIsToolResult) {
    return [];
  }
  if (typeof choice === 'object') {
    return request.tools.filter((tool) => tool.name === choice.name);
  }
  if (directives.parallelTools === true && request.parallelToolCalls) {
    return request.tools;
  }
  return request.tools.slice(0, 1);
}

function replyText(request: MockRequest, text: string, directives: MockDirectives): string {
  const format = directives.ignoreFormat === true ? undefined : request.responseFormat;
  if (format?.type === 'json-object') {
    return JSON.stringify({ reply: text });
  }
  if (format?.type === 'json-schema') {
    return JSON.stringify(sampleFromSchema(format.schema, text));
  }
  if (request.model === 'fast') {
    return fastReply;
  }
  return text === '' ? 'Hello from the Signalbox mock.' : text;
}

/**
 * Decides the mock's answer: `echo` repeats the last user message, `fast` says one fixed line;
 * `!mock` lines addressed to every mock or to `mockName` script faults; when tools are offered
 * (and the last message is not a tool result) it calls them with arguments built from their
 * schemas. Honours the output limit (finish reason `length`) unless a `tokens=` directive asks for
 * a runaway answer. Deterministic for a given request. Pure.
 */
export function planMockChatReply(
  request: MockRequest,
  callNumber: number,
  mockName: string,
): MockChatReply {
  const { directives, text } = extractMockDirectives(request.lastUserText, mockName);
  const tools = chooseTools(request, directives);
  if (tools.length > 0) {
    const toolCalls = tools.map((tool, index) => ({
      id: `call_mock_${callNumber}_${index}`,
      name: tool.name,
      arguments: JSON.stringify(sampleFromSchema(tool.parameters ?? { type: 'object' }, text)),
    }));
    const completionTokens = toolCalls.reduce(
      (sum, call) => sum + splitIntoTokens(call.arguments).length + 3,
      0,
    );
    return {
      tokens: [],
      toolCalls,
      finishReason: 'tool-calls',
      promptTokens: request.promptTokens,
      completionTokens,
      directives,
    };
  }
  let tokens = splitIntoTokens(replyText(request, text, directives));
  let finishReason: MockChatReply['finishReason'] = 'stop';
  if (directives.tokens !== undefined) {
    tokens = Array.from(
      { length: directives.tokens },
      (_, index) => tokens[index % Math.max(tokens.length, 1)] ?? filler,
    );
  } else if (request.maxOutputTokens !== undefined && tokens.length > request.maxOutputTokens) {
    tokens = tokens.slice(0, request.maxOutputTokens);
    finishReason = 'length';
  }
  return {
    tokens,
    toolCalls: [],
    finishReason,
    promptTokens: request.promptTokens,
    completionTokens: tokens.length,
    directives,
  };
}
