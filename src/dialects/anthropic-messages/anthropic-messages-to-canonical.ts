import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  ChatRequest,
  ReasoningEffort,
  ReasoningSettings,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/chat-request.ts';
import type { TextPart } from '../../canonical/content-part.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import {
  assistantTurnParts,
  invalidAnthropicField,
  systemTextParts,
  untranslatableAnthropicField,
  userTurnParts,
} from './anthropic-content-to-canonical.ts';

/** Top-level fields the canonical request carries, or hints with no effect on the answer. */
const mappedFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'output_format',
  // Scheduling and caching hints: the answer is the same without them.
  'service_tier',
  'speed',
  'inference_geo',
  'cache_control',
]);

function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidAnthropicField(field, `\`${field}\` must be a number.`);
  }
  return value;
}

function convertMessages(raw: readonly unknown[]): { system: TextPart[]; messages: ChatMessage[] } {
  const system: TextPart[] = [];
  const messages: ChatMessage[] = [];
  raw.forEach((message, index) => {
    const path = `messages[${index}]`;
    if (!isJsonObject(message)) {
      throw invalidAnthropicField(path, `\`${path}\` must be an object.`);
    }
    switch (message.role) {
      case 'user': {
        const turn = userTurnParts(message.content, `${path}.content`);
        if (turn.toolResults.length > 0) {
          messages.push({ role: 'tool', content: turn.toolResults });
        }
        if (turn.content.length > 0 || turn.toolResults.length === 0) {
          messages.push({ role: 'user', content: turn.content });
        }
        return;
      }
      case 'assistant':
        messages.push({
          role: 'assistant',
          content: assistantTurnParts(message.content, `${path}.content`),
        });
        return;
      case 'system': {
        const parts = systemTextParts(message.content, `${path}.content`);
        if (messages.length === 0) {
          system.push(...parts);
        } else {
          messages.push({ role: 'system', content: parts });
        }
        return;
      }
      default:
        throw invalidAnthropicField(`${path}.role`, '`role` must be user, assistant or system.');
    }
  });
  return { system, messages };
}

function convertTools(tools: unknown): ToolDefinition[] {
  if (tools === undefined || tools === null) {
    return [];
  }
  if (!Array.isArray(tools)) {
    throw invalidAnthropicField('tools', '`tools` must be an array.');
  }
  return tools.map((tool, index): ToolDefinition => {
    const path = `tools[${index}]`;
    if (!isJsonObject(tool)) {
      throw invalidAnthropicField(path, `\`${path}\` must be an object.`);
    }
    // Server tools (web search, code execution, ...) run at Anthropic; only custom tools travel.
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw untranslatableAnthropicField(path, `the server tool ${JSON.stringify(tool.type)}`);
    }
    if (typeof tool.name !== 'string') {
      throw invalidAnthropicField(`${path}.name`, 'A tool needs a name.');
    }
    return {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : undefined,
      parameters: isJsonObject(tool.input_schema)
        ? tool.input_schema
        : { type: 'object', properties: {} },
      strict: typeof tool.strict === 'boolean' ? tool.strict : undefined,
    };
  });
}

function convertToolChoice(raw: unknown): {
  toolChoice: ToolChoice | undefined;
  parallel: boolean | undefined;
} {
  if (raw === undefined || raw === null) {
    return { toolChoice: undefined, parallel: undefined };
  }
  if (!isJsonObject(raw)) {
    throw invalidAnthropicField('tool_choice', '`tool_choice` must be an object.');
  }
  const parallel = raw.disable_parallel_tool_use === true ? false : undefined;
  switch (raw.type) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, parallel };
    case 'none':
      return { toolChoice: { type: 'none' }, parallel };
    case 'tool':
      if (typeof raw.name !== 'string') {
        throw invalidAnthropicField('tool_choice.name', 'A tool choice of type tool needs `name`.');
      }
      return { toolChoice: { type: 'tool', name: raw.name }, parallel };
    default:
      throw invalidAnthropicField(
        'tool_choice.type',
        '`tool_choice.type` must be auto, any, tool or none.',
      );
  }
}

const effortLevels: Readonly<Record<string, ReasoningEffort>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  // The hub's scale stops at high; Anthropic's extra levels map onto it.
  xhigh: 'high',
  max: 'high',
};

function convertReasoning(body: JsonObject): ReasoningSettings | undefined {
  const thinking = body.thinking;
  const outputConfig = isJsonObject(body.output_config) ? body.output_config : {};
  const effortName = outputConfig.effort;
  const effort = typeof effortName === 'string' ? effortLevels[effortName] : undefined;
  if (effortName !== undefined && effortName !== null && effort === undefined) {
    throw invalidAnthropicField(
      'output_config.effort',
      '`output_config.effort` must be low, medium, high, xhigh or max.',
    );
  }
  if (thinking === undefined || thinking === null) {
    return effort === undefined ? undefined : { effort };
  }
  if (!isJsonObject(thinking)) {
    throw invalidAnthropicField('thinking', '`thinking` must be an object.');
  }
  switch (thinking.type) {
    case 'enabled': {
      const budget = thinking.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) {
        throw invalidAnthropicField(
          'thinking.budget_tokens',
          '`thinking.budget_tokens` must be a positive integer.',
        );
      }
      return { budgetTokens: budget, ...(effort === undefined ? {} : { effort }) };
    }
    case 'disabled':
      return { disabled: true };
    case 'adaptive':
    case 'between_tools':
      // The model decides how much to think: the target's default, with any effort asked for.
      return effort === undefined ? undefined : { effort };
    default:
      throw invalidAnthropicField(
        'thinking.type',
        '`thinking.type` must be enabled, disabled or adaptive.',
      );
  }
}

/**
 * Structured outputs (`output_config.format`, formerly `output_format`) as the canonical format.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
 */
export function convertFormat(body: JsonObject): ResponseFormat | undefined {
  const outputConfig = isJsonObject(body.output_config) ? body.output_config : {};
  const format = outputConfig.format ?? body.output_format;
  if (format === undefined || format === null) {
    return undefined;
  }
  if (!isJsonObject(format) || format.type !== 'json_schema' || !isJsonObject(format.schema)) {
    throw invalidAnthropicField(
      'output_config.format',
      'The output format must be `{"type": "json_schema", "schema": {...}}`.',
    );
  }
  return { type: 'json-schema', name: 'response', schema: format.schema, strict: true };
}

function convertStopSequences(raw: unknown): string[] {
  if (raw === undefined || raw === null) {
    return [];
  }
  if (!Array.isArray(raw) || !raw.every((item) => typeof item === 'string')) {
    throw invalidAnthropicField('stop_sequences', '`stop_sequences` must be an array of strings.');
  }
  return raw;
}

/**
 * The canonical request for an Anthropic Messages body. Tool results, which Anthropic puts in
 * user turns, become tool turns (before the user's own content of that turn); server tools and
 * content blocks only Anthropic understands are refused with a 400 naming them; top-level fields
 * without a canonical meaning are listed in `unmappedParameters`. Pure.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function anthropicMessagesToCanonical(envelope: ModelRequestEnvelope): ChatRequest {
  const body = envelope.body.value;
  const converted = convertMessages(Array.isArray(body.messages) ? body.messages : []);
  const system =
    body.system === undefined || body.system === null ? [] : systemTextParts(body.system, 'system');
  const { toolChoice, parallel } = convertToolChoice(body.tool_choice);
  const metadata = isJsonObject(body.metadata) ? body.metadata : {};
  return {
    model: envelope.model,
    system: [...system, ...converted.system],
    messages: converted.messages,
    tools: convertTools(body.tools),
    toolChoice,
    parallelToolCalls: parallel,
    responseFormat: convertFormat(body),
    reasoning: convertReasoning(body),
    maxOutputTokens: optionalNumber(body, 'max_tokens'),
    temperature: optionalNumber(body, 'temperature'),
    topP: optionalNumber(body, 'top_p'),
    topK: optionalNumber(body, 'top_k'),
    frequencyPenalty: undefined,
    presencePenalty: undefined,
    seed: undefined,
    stopSequences: convertStopSequences(body.stop_sequences),
    choices: undefined,
    user: typeof metadata.user_id === 'string' ? metadata.user_id : undefined,
    metadata: undefined,
    stream: envelope.stream,
    unmappedParameters: Object.keys(body).filter((key) => !mappedFields.has(key)),
  };
}
