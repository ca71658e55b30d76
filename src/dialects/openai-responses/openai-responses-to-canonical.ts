import type {
  ChatRequest,
  ReasoningSettings,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/chat-request.ts';
import type { TextPart } from '../../canonical/content-part.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import {
  openAiResponsesInputToCanonical,
  untranslatableResponsesField,
} from './openai-responses-input-to-canonical.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

/** Top-level fields the canonical request carries. */
const mappedFields: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'text',
  'reasoning',
  'max_output_tokens',
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'metadata',
  'stream',
  // Checked below: refused when set, meaningless when not.
  'previous_response_id',
  'conversation',
  'background',
]);

/**
 * Storage, caching, routing and streaming hints with no effect on the answer itself, which another
 * provider may ignore. `truncation` only matters past the context window, where the other provider
 * fails the request instead.
 */
const ignorableHints: ReadonlySet<string> = new Set([
  'store',
  'include',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'truncation',
  'stream_options',
]);

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (!present(value)) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(field, `\`${field}\` must be a number.`);
  }
  return value;
}

/**
 * The API keeps conversation state (`previous_response_id`, `conversation`) and runs background
 * jobs; the gateway does neither, so a translated request cannot honour them.
 */
function refuseStatefulFields(body: JsonObject): void {
  if (present(body.previous_response_id)) {
    throw untranslatableResponsesField(
      'previous_response_id',
      'a stored previous response (send the whole conversation in `input` instead)',
    );
  }
  if (present(body.conversation)) {
    throw untranslatableResponsesField(
      'conversation',
      'a stored conversation (send the whole conversation in `input` instead)',
    );
  }
  if (body.background === true) {
    throw untranslatableResponsesField('background', 'a background response');
  }
}

function instructionsOf(value: unknown): TextPart[] {
  if (!present(value)) {
    return [];
  }
  if (typeof value !== 'string') {
    throw invalid('instructions', '`instructions` must be a string.');
  }
  return value === '' ? [] : [{ type: 'text', text: value }];
}

/**
 * Only function tools translate; built-in tools (web search, file search, code interpreter, MCP,
 * computer use, shell, image generation, custom tools) run at OpenAI.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
function convertTools(tools: unknown): ToolDefinition[] {
  if (!present(tools)) {
    return [];
  }
  if (!Array.isArray(tools)) {
    throw invalid('tools', '`tools` must be an array.');
  }
  return tools.map((tool, index): ToolDefinition => {
    const path = `tools[${index}]`;
    if (!isJsonObject(tool)) {
      throw invalid(path, `\`${path}\` must be an object.`);
    }
    if (tool.type !== 'function') {
      throw untranslatableResponsesField(path, `a built-in tool of type "${String(tool.type)}"`);
    }
    if (typeof tool.name !== 'string' || tool.name === '') {
      throw invalid(`${path}.name`, 'A function tool needs a name.');
    }
    return {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : undefined,
      parameters: isJsonObject(tool.parameters)
        ? tool.parameters
        : { type: 'object', properties: {} },
      strict: typeof tool.strict === 'boolean' ? tool.strict : undefined,
    };
  });
}

/** @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tool_choice */
function convertToolChoice(choice: unknown): ToolChoice | undefined {
  if (!present(choice)) {
    return undefined;
  }
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return { type: choice };
  }
  if (isJsonObject(choice) && choice.type === 'function' && typeof choice.name === 'string') {
    return { type: 'tool', name: choice.name };
  }
  throw untranslatableResponsesField('tool_choice', 'this tool choice');
}

/** @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-text */
export function convertTextFormat(text: unknown): ResponseFormat | undefined {
  if (!present(text)) {
    return undefined;
  }
  if (!isJsonObject(text)) {
    throw invalid('text', '`text` must be an object.');
  }
  // `text.verbosity` is a length hint other providers have no field for; it is not carried.
  const format = text.format;
  if (!present(format)) {
    return undefined;
  }
  if (!isJsonObject(format)) {
    throw invalid('text.format', '`text.format` must be an object.');
  }
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json-object' };
    case 'json_schema':
      return {
        type: 'json-schema',
        name: typeof format.name === 'string' ? format.name : 'response',
        schema: isJsonObject(format.schema) ? format.schema : {},
        strict: typeof format.strict === 'boolean' ? format.strict : undefined,
        description: typeof format.description === 'string' ? format.description : undefined,
      };
    default:
      throw invalid(
        'text.format.type',
        '`text.format.type` must be text, json_object or json_schema.',
      );
  }
}

/**
 * `reasoning.effort` as canonical reasoning: `none` switches reasoning off, levels above `high`
 * (`xhigh`, `max`) become `high`, the nearest level every dialect knows. `reasoning.summary` only
 * shapes what OpenAI shows and is not carried.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-reasoning
 */
function convertReasoning(reasoning: unknown): ReasoningSettings | undefined {
  if (!present(reasoning)) {
    return undefined;
  }
  if (!isJsonObject(reasoning)) {
    throw invalid('reasoning', '`reasoning` must be an object.');
  }
  const effort = reasoning.effort;
  switch (effort) {
    case undefined:
    case null:
      return undefined;
    case 'none':
      return { disabled: true };
    case 'minimal':
    case 'low':
    case 'medium':
    case 'high':
      return { effort };
    case 'xhigh':
    case 'max':
      return { effort: 'high' };
    default:
      throw invalid(
        'reasoning.effort',
        '`reasoning.effort` must be none, minimal, low, medium, high, xhigh or max.',
      );
  }
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
 * The canonical request for an OpenAI Responses body (already decoded into an envelope). The
 * gateway is stateless, so `previous_response_id`, `conversation` and `background: true` are
 * refused with a 400 naming the field (they still reach an OpenAI Responses provider untouched
 * through pass-through); so are built-in tools and input items only OpenAI can interpret.
 * Storage and caching hints (`store`, `include`, `service_tier`, `prompt_cache_key`,
 * `truncation`, ...) are dropped; other top-level fields without a canonical meaning are listed
 * in `unmappedParameters`. `safety_identifier` stands in for `user` when `user` is not set. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function openAiResponsesToCanonical(envelope: ModelRequestEnvelope): ChatRequest {
  const body = envelope.body.value;
  refuseStatefulFields(body);
  const { system, messages } = openAiResponsesInputToCanonical(
    instructionsOf(body.instructions),
    body.input,
  );
  const user =
    typeof body.user === 'string'
      ? body.user
      : typeof body.safety_identifier === 'string'
        ? body.safety_identifier
        : undefined;
  return {
    model: envelope.model,
    system,
    messages,
    tools: convertTools(body.tools),
    toolChoice: convertToolChoice(body.tool_choice),
    parallelToolCalls:
      typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : undefined,
    responseFormat: convertTextFormat(body.text),
    reasoning: convertReasoning(body.reasoning),
    maxOutputTokens: optionalNumber(body, 'max_output_tokens'),
    temperature: optionalNumber(body, 'temperature'),
    topP: optionalNumber(body, 'top_p'),
    topK: undefined,
    frequencyPenalty: undefined,
    presencePenalty: undefined,
    seed: undefined,
    stopSequences: [],
    choices: undefined,
    user,
    metadata: convertMetadata(body.metadata),
    stream: envelope.stream,
    unmappedParameters: Object.keys(body).filter(
      (key) => !mappedFields.has(key) && !ignorableHints.has(key) && present(body[key]),
    ),
  };
}
