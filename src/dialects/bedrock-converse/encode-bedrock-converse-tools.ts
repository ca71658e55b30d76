import type { ChatRequest, ToolChoice, ToolDefinition } from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { BedrockConverseModelFamily } from './bedrock-converse-model-family.ts';

/** The tool part of a Converse body. */
export interface BedrockConverseTools {
  readonly toolConfig: JsonObject | undefined;
  /** Fields for `additionalModelRequestFields` (Claude's own `tool_choice`). */
  readonly modelFields: JsonObject;
}

/**
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolSpecification.html
 */
function toolSpec(tool: ToolDefinition): JsonObject {
  return {
    toolSpec: {
      name: tool.name,
      // Converse rejects an empty description.
      ...(tool.description === undefined || tool.description === ''
        ? {}
        : { description: tool.description }),
      inputSchema: { json: tool.parameters },
      ...(tool.strict === true ? { strict: true } : {}),
    },
  };
}

/**
 * Stand-ins for tools the history used but the request no longer offers: Converse wants a
 * `toolConfig` naming them whenever `toolUse` blocks are present.
 */
function historyToolSpecs(request: ChatRequest): JsonObject[] {
  const names = new Set<string>();
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'tool-call') names.add(part.name);
      }
    }
  }
  return [...names].map((name) => ({
    toolSpec: { name, inputSchema: { json: { type: 'object' } } },
  }));
}

/**
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html
 */
function converseToolChoice(choice: Exclude<ToolChoice, { type: 'none' }>): JsonObject {
  switch (choice.type) {
    case 'auto':
      return { auto: {} };
    case 'required':
      return { any: {} };
    case 'tool':
      return { tool: { name: choice.name } };
  }
}

/**
 * Claude's own `tool_choice`, for what Converse's `toolChoice` cannot say (`none`, and no parallel
 * calls). It replaces Converse's `toolChoice`, which must then be left out.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 */
function claudeToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): JsonObject {
  if (choice?.type === 'none') {
    return { type: 'none' };
  }
  const base: JsonObject =
    choice?.type === 'required'
      ? { type: 'any' }
      : choice?.type === 'tool'
        ? { type: 'tool', name: choice.name }
        : { type: 'auto' };
  return parallel === false ? { ...base, disable_parallel_tool_use: true } : base;
}

/**
 * The Converse `toolConfig` for a request. Converse has no "none" tool choice, and it rejects
 * `toolUse`/`toolResult` blocks in the history unless `toolConfig` is present. So with
 * `tool_choice: none` (or no tools) and no tool blocks in the history, `toolConfig` is left out
 * and the model cannot call a tool; with tool blocks in the history, the tools (or stand-ins named
 * after the history's calls) are sent, and on Claude its own `tool_choice: none` forbids calls.
 * Other families have no way to forbid them there. `parallel_tool_calls: false` is sent to Claude
 * as `disable_parallel_tool_use`. Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use-inference-call.html
 */
export function encodeBedrockConverseTools(
  request: ChatRequest,
  hasToolBlocks: boolean,
  family: BedrockConverseModelFamily,
): BedrockConverseTools {
  const choice = request.toolChoice;
  const forbidden = request.tools.length === 0 || choice?.type === 'none';
  if (forbidden && !hasToolBlocks) {
    return { toolConfig: undefined, modelFields: {} };
  }
  const tools = request.tools.length > 0 ? request.tools.map(toolSpec) : historyToolSpecs(request);
  const claude = family === 'anthropic';
  if (claude && (forbidden || request.parallelToolCalls === false)) {
    return {
      toolConfig: { tools },
      modelFields: {
        tool_choice: claudeToolChoice(
          forbidden ? { type: 'none' } : choice,
          request.parallelToolCalls,
        ),
      },
    };
  }
  if (forbidden || choice === undefined) {
    return { toolConfig: { tools }, modelFields: {} };
  }
  return { toolConfig: { tools, toolChoice: converseToolChoice(choice) }, modelFields: {} };
}
