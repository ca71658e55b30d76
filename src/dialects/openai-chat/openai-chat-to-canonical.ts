import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  ChatRequest,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/chat-request.ts';
import type {
  AssistantContentPart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

function untranslatable(param: string, what: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
    param,
    detail: `\`${param}\`: ${what} cannot be translated to another provider's format.`,
  });
}

/** Top-level fields the canonical request carries (or that only shape the HTTP exchange). */
const mappedFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'seed',
  'stop',
  'n',
  'user',
  'metadata',
  'stream',
  'stream_options',
  // Storage and routing hints with no effect on the answer itself.
  'store',
  'service_tier',
]);

/** Parses `data:<media type>;base64,<data>` URLs into inline sources; other URLs stay URLs. */
export function mediaSourceFromUrl(url: string): MediaSource {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match !== null) {
    return {
      kind: 'base64',
      mediaType: match[1] ?? 'application/octet-stream',
      data: match[2] ?? '',
    };
  }
  return { kind: 'url', url };
}

function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(field, `\`${field}\` must be a number.`);
  }
  return value;
}

function textOf(content: unknown, path: string): string {
  if (typeof content === 'string') {
    return content;
  }
  if (content === null || content === undefined) {
    return '';
  }
  if (!Array.isArray(content)) {
    throw invalid(path, `\`${path}\` must be a string or an array of parts.`);
  }
  return content
    .map((part, index) => {
      if (isJsonObject(part) && part.type === 'text' && typeof part.text === 'string') {
        return part.text;
      }
      throw untranslatable(`${path}[${index}]`, 'a non-text part here');
    })
    .join('');
}

function textParts(content: unknown, path: string): TextPart[] {
  const text = textOf(content, path);
  return text === '' ? [] : [{ type: 'text', text }];
}

function userParts(content: unknown, path: string): UserContentPart[] {
  if (typeof content === 'string') {
    return [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) {
    throw invalid(path, `\`${path}\` must be a string or an array of parts.`);
  }
  return content.map((part, index): UserContentPart => {
    const partPath = `${path}[${index}]`;
    if (!isJsonObject(part)) {
      throw invalid(partPath, `\`${partPath}\` must be an object.`);
    }
    if (part.type === 'text' && typeof part.text === 'string') {
      return { type: 'text', text: part.text };
    }
    if (
      part.type === 'image_url' &&
      isJsonObject(part.image_url) &&
      typeof part.image_url.url === 'string'
    ) {
      const detail = part.image_url.detail;
      const image: ImagePart = {
        type: 'image',
        source: mediaSourceFromUrl(part.image_url.url),
        ...(detail === 'auto' || detail === 'low' || detail === 'high' ? { detail } : {}),
      };
      return image;
    }
    if (part.type === 'file' && isJsonObject(part.file)) {
      const file = part.file;
      const filename = typeof file.filename === 'string' ? file.filename : undefined;
      if (typeof file.file_data === 'string') {
        const source = mediaSourceFromUrl(file.file_data);
        return {
          type: 'file',
          source:
            source.kind === 'url'
              ? { kind: 'base64', mediaType: 'application/pdf', data: file.file_data }
              : source,
          filename,
        };
      }
      if (typeof file.file_id === 'string') {
        return { type: 'file', source: { kind: 'file-id', fileId: file.file_id }, filename };
      }
    }
    throw untranslatable(partPath, `a part of type "${String(part.type)}"`);
  });
}

function assistantParts(message: JsonObject, path: string): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    parts.push({ type: 'reasoning', text: reasoning });
  }
  parts.push(...textParts(message.content, `${path}.content`));
  if (typeof message.refusal === 'string' && message.refusal !== '') {
    parts.push({ type: 'refusal', text: message.refusal });
  }
  const toolCalls = message.tool_calls;
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) {
      throw invalid(`${path}.tool_calls`, '`tool_calls` must be an array.');
    }
    toolCalls.forEach((call, index) => {
      const callPath = `${path}.tool_calls[${index}]`;
      if (
        !isJsonObject(call) ||
        !isJsonObject(call.function) ||
        typeof call.function.name !== 'string'
      ) {
        throw invalid(callPath, `\`${callPath}\` must be a function call with a name.`);
      }
      parts.push({
        type: 'tool-call',
        id: typeof call.id === 'string' ? call.id : `call_${index}`,
        name: call.function.name,
        arguments: typeof call.function.arguments === 'string' ? call.function.arguments : '{}',
      });
    });
  }
  return parts;
}

function toolResult(message: JsonObject, path: string): ToolResultPart {
  if (typeof message.tool_call_id !== 'string') {
    throw invalid(`${path}.tool_call_id`, '`tool_call_id` must name the tool call being answered.');
  }
  return {
    type: 'tool-result',
    toolCallId: message.tool_call_id,
    content: textParts(message.content, `${path}.content`),
  };
}

function convertMessages(messages: readonly unknown[]): {
  system: TextPart[];
  messages: ChatMessage[];
} {
  const system: TextPart[] = [];
  const converted: ChatMessage[] = [];
  messages.forEach((raw, index) => {
    const path = `messages[${index}]`;
    if (!isJsonObject(raw)) {
      throw invalid(path, `\`${path}\` must be an object.`);
    }
    switch (raw.role) {
      case 'system':
      case 'developer': {
        const parts = textParts(raw.content, `${path}.content`);
        if (converted.length === 0) {
          system.push(...parts);
        } else {
          converted.push({ role: 'system', content: parts });
        }
        return;
      }
      case 'user':
        converted.push({ role: 'user', content: userParts(raw.content, `${path}.content`) });
        return;
      case 'assistant':
        converted.push({ role: 'assistant', content: assistantParts(raw, path) });
        return;
      case 'tool': {
        const result = toolResult(raw, path);
        const previous = converted[converted.length - 1];
        // Consecutive tool messages answer one assistant turn: keep them together.
        if (previous?.role === 'tool') {
          converted[converted.length - 1] = {
            role: 'tool',
            content: [...previous.content, result],
          };
        } else {
          converted.push({ role: 'tool', content: [result] });
        }
        return;
      }
      default:
        throw untranslatable(`${path}.role`, `the role "${String(raw.role)}"`);
    }
  });
  return { system, messages: converted };
}

function convertTools(tools: unknown): ToolDefinition[] {
  if (tools === undefined || tools === null) {
    return [];
  }
  if (!Array.isArray(tools)) {
    throw invalid('tools', '`tools` must be an array.');
  }
  return tools.map((tool, index): ToolDefinition => {
    const path = `tools[${index}]`;
    if (!isJsonObject(tool) || tool.type !== 'function' || !isJsonObject(tool.function)) {
      throw untranslatable(path, 'a tool that is not a function');
    }
    const fn = tool.function;
    if (typeof fn.name !== 'string') {
      throw invalid(`${path}.function.name`, 'A tool needs a name.');
    }
    return {
      name: fn.name,
      description: typeof fn.description === 'string' ? fn.description : undefined,
      parameters: isJsonObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
      strict: typeof fn.strict === 'boolean' ? fn.strict : undefined,
    };
  });
}

function convertToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) {
    return undefined;
  }
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return { type: choice };
  }
  if (
    isJsonObject(choice) &&
    isJsonObject(choice.function) &&
    typeof choice.function.name === 'string'
  ) {
    return { type: 'tool', name: choice.function.name };
  }
  throw untranslatable('tool_choice', 'this tool choice');
}

/**
 * `response_format` as the canonical output format.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format
 */
export function convertResponseFormat(format: unknown): ResponseFormat | undefined {
  if (format === undefined || format === null) {
    return undefined;
  }
  if (!isJsonObject(format)) {
    throw invalid('response_format', '`response_format` must be an object.');
  }
  if (format.type === 'text') {
    return { type: 'text' };
  }
  if (format.type === 'json_object') {
    return { type: 'json-object' };
  }
  if (format.type === 'json_schema' && isJsonObject(format.json_schema)) {
    const spec = format.json_schema;
    return {
      type: 'json-schema',
      name: typeof spec.name === 'string' ? spec.name : 'response',
      schema: isJsonObject(spec.schema) ? spec.schema : {},
      strict: typeof spec.strict === 'boolean' ? spec.strict : undefined,
      description: typeof spec.description === 'string' ? spec.description : undefined,
    };
  }
  throw invalid(
    'response_format.type',
    '`response_format.type` must be text, json_object or json_schema.',
  );
}

const efforts: ReadonlySet<string> = new Set(['minimal', 'low', 'medium', 'high']);

function convertStop(stop: unknown): string[] {
  if (stop === undefined || stop === null) {
    return [];
  }
  if (typeof stop === 'string') {
    return [stop];
  }
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) {
    return stop;
  }
  throw invalid('stop', '`stop` must be a string or an array of strings.');
}

function convertMetadata(metadata: unknown): Record<string, string> | undefined {
  if (!isJsonObject(metadata)) {
    return undefined;
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string') {
      result[key] = value;
    }
  }
  return result;
}

/**
 * The canonical request for an OpenAI Chat Completions body (already decoded into an envelope).
 * Content the hub cannot carry to another dialect (audio input, non-function tools, the legacy
 * `function` role) is refused with a 400 naming it; top-level fields without a canonical meaning
 * are listed in `unmappedParameters`. Pure.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function openAiChatToCanonical(envelope: ModelRequestEnvelope): ChatRequest {
  const body = envelope.body.value;
  const { system, messages } = convertMessages(Array.isArray(body.messages) ? body.messages : []);
  const effort = body.reasoning_effort;
  if (
    effort !== undefined &&
    effort !== null &&
    (typeof effort !== 'string' || !efforts.has(effort))
  ) {
    throw invalid('reasoning_effort', '`reasoning_effort` must be minimal, low, medium or high.');
  }
  const maxOutputTokens =
    optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens');
  const choices = optionalNumber(body, 'n');
  return {
    model: envelope.model,
    system,
    messages,
    tools: convertTools(body.tools),
    toolChoice: convertToolChoice(body.tool_choice),
    parallelToolCalls:
      typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : undefined,
    responseFormat: convertResponseFormat(body.response_format),
    reasoning: typeof effort === 'string' ? { effort: effort as ReasoningEffort } : undefined,
    maxOutputTokens,
    temperature: optionalNumber(body, 'temperature'),
    topP: optionalNumber(body, 'top_p'),
    topK: undefined,
    frequencyPenalty: optionalNumber(body, 'frequency_penalty'),
    presencePenalty: optionalNumber(body, 'presence_penalty'),
    seed: optionalNumber(body, 'seed'),
    stopSequences: convertStop(body.stop),
    choices: choices === undefined || choices === 1 ? undefined : choices,
    user: typeof body.user === 'string' ? body.user : undefined,
    metadata: convertMetadata(body.metadata),
    stream: envelope.stream,
    unmappedParameters: Object.keys(body).filter((key) => !mappedFields.has(key)),
  };
}
