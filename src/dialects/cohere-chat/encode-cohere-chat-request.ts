import type {
  ChatRequest,
  ReasoningSettings,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { encodeCohereChatMessages } from './encode-cohere-chat-messages.ts';

/**
 * The tools to offer and Cohere's `tool_choice`. Cohere knows only `REQUIRED` (call at least one
 * of the tools) and `NONE`; leaving it out means auto. It cannot name a tool, so a choice of one
 * tool is expressed by offering only that tool with `REQUIRED`, which forces exactly that tool for
 * this turn (the earlier turns keep their calls of other tools). A named tool that is not offered
 * is refused by `unsupportedCohereChatParameters` before encoding.
 * @see https://docs.cohere.com/reference/chat#request.body.tool_choice
 */
function toolsAndChoice(
  tools: readonly ToolDefinition[],
  choice: ToolChoice | undefined,
): { tools: readonly ToolDefinition[]; toolChoice: string | undefined } {
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { tools, toolChoice: undefined };
    case 'none':
      return { tools, toolChoice: 'NONE' };
    case 'required':
      return { tools, toolChoice: 'REQUIRED' };
    case 'tool':
      return { tools: tools.filter((tool) => tool.name === choice.name), toolChoice: 'REQUIRED' };
  }
}

/**
 * Cohere tool definitions. Strictness is one switch for the whole request in Cohere
 * (`strict_tools`), so it is set only when every tool asks for strict arguments.
 * @see https://docs.cohere.com/reference/chat#request.body.tools
 * @see https://docs.cohere.com/reference/chat#request.body.strict_tools
 */
function encodeTools(tools: readonly ToolDefinition[]): JsonObject[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  }));
}

/**
 * Cohere's `response_format`: `json_object`, with the schema in `json_schema` for structured output
 * (Cohere's structured output follows the schema strictly, so `strict` needs no field; the schema's
 * name and description have none).
 * @see https://docs.cohere.com/reference/chat#request.body.response_format
 * @see https://docs.cohere.com/docs/structured-outputs
 */
function encodeResponseFormat(format: ResponseFormat): JsonObject {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json-object':
      return { type: 'json_object' };
    case 'json-schema':
      return { type: 'json_object', json_schema: format.schema };
  }
}

/**
 * Cohere's `thinking`: `{type: 'disabled'}` when reasoning is switched off, else `{type: 'enabled'}`
 * with `token_budget` when a budget is given. Cohere has no effort levels, so an effort alone only
 * enables thinking (the model's default depth).
 * @see https://docs.cohere.com/reference/chat#request.body.thinking
 * @see https://docs.cohere.com/docs/reasoning
 */
function encodeThinking(reasoning: ReasoningSettings): JsonObject {
  if (reasoning.disabled === true) {
    return { type: 'disabled' };
  }
  return {
    type: 'enabled',
    ...(reasoning.budgetTokens === undefined ? {} : { token_budget: reasoning.budgetTokens }),
  };
}

/**
 * A canonical request as a Cohere v2 chat body (`POST /v2/chat`). `model` and `stream` are set
 * when the provider wants them in the body; `options.bodyFields` are merged last. Cohere needs no
 * output limit, so `defaultMaxOutputTokens` is not used. Parameters Cohere cannot express
 * (`n`, `user`, `parallel_tool_calls: false`, files that are not images, images in tool results)
 * are not encoded: `unsupportedCohereChatParameters` names them so the gateway refuses or drops
 * them first. Cohere always reports usage on streams, so `requestStreamUsage` needs nothing, and
 * its only output limit is `max_tokens`. Pure: `request` is not changed.
 * @see https://docs.cohere.com/reference/chat
 */
export function encodeCohereChatRequest(request: ChatRequest, options: EgressOptions): JsonObject {
  const body: JsonObject = {};
  if (options.modelInBody) {
    body.model = options.upstreamModel;
  }
  body.messages = encodeCohereChatMessages(request.system, request.messages);
  const { tools, toolChoice } = toolsAndChoice(request.tools, request.toolChoice);
  if (tools.length > 0) {
    body.tools = encodeTools(tools);
    if (tools.every((tool) => tool.strict === true)) {
      body.strict_tools = true;
    }
    // Cohere rejects REQUIRED without tools; with no tools, NONE and auto are what happens anyway.
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
  }
  if (request.responseFormat !== undefined) {
    body.response_format = encodeResponseFormat(request.responseFormat);
  }
  if (request.reasoning !== undefined) body.thinking = encodeThinking(request.reasoning);
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.p = request.topP;
  if (request.topK !== undefined) body.k = request.topK;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.stopSequences.length > 0) body.stop_sequences = [...request.stopSequences];
  if (request.stream && options.streamInBody) body.stream = true;
  return { ...body, ...options.bodyFields };
}
