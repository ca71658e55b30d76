import type { ChatRequest, ToolChoice } from '../../canonical/chat-request.ts';
import type { TextPart } from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  fallbackMaxTokens,
  fitThinkingBudget,
  thinkingBudgetForEffort,
} from './anthropic-thinking-budget.ts';
import { encodeAnthropicMessages, isAnthropicDocumentType } from './encode-anthropic-messages.ts';

function systemBlocks(parts: readonly TextPart[]): JsonObject[] {
  return parts
    .filter((part) => part.text !== '')
    .map((part) => ({
      type: 'text',
      text: part.text,
      ...(part.cacheControl === undefined
        ? {}
        : {
            cache_control:
              part.cacheControl.ttl === undefined
                ? { type: 'ephemeral' }
                : { type: 'ephemeral', ttl: part.cacheControl.ttl },
          }),
    }));
}

function toolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): JsonObject | undefined {
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallel === false ? { type: 'auto', ...disableParallel } : undefined;
    case 'auto':
      return { type: 'auto', ...disableParallel };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any', ...disableParallel };
    case 'tool':
      return { type: 'tool', name: choice.name, ...disableParallel };
  }
}

/**
 * Parameters the Messages API cannot express, named as in the OpenAI API: several answers (`n`),
 * `seed`, the two penalties, JSON mode without a schema, and files of types a `document` block
 * does not take.
 */
export function unsupportedAnthropicParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.choices !== undefined) unsupported.push('n');
  if (request.seed !== undefined) unsupported.push('seed');
  if (request.frequencyPenalty !== undefined) unsupported.push('frequency_penalty');
  if (request.presencePenalty !== undefined) unsupported.push('presence_penalty');
  if (request.responseFormat?.type === 'json-object') unsupported.push('response_format');
  request.messages.forEach((message, index) => {
    if (
      message.role === 'user' &&
      message.content.some(
        (part) =>
          part.type === 'file' &&
          part.source.kind === 'base64' &&
          !isAnthropicDocumentType(part.source.mediaType),
      )
    ) {
      unsupported.push(`messages[${index}] (a file type other than PDF or plain text)`);
    }
  });
  return unsupported;
}

/**
 * A canonical request as an Anthropic Messages body. `max_tokens`, which Anthropic requires,
 * comes from the client, else the model's known limit, else 4096. Reasoning becomes extended
 * thinking with a budget (effort levels map onto budgets) fitted under `max_tokens`; a limit too
 * small for the minimum budget sends the request without thinking. Pure.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function encodeAnthropicRequest(request: ChatRequest, options: EgressOptions): JsonObject {
  const { turns, movedSystem } = encodeAnthropicMessages(request.messages);
  const body: JsonObject = {};
  if (options.modelInBody) {
    body.model = options.upstreamModel;
  }
  const maxTokens = request.maxOutputTokens ?? options.defaultMaxOutputTokens ?? fallbackMaxTokens;
  body.max_tokens = maxTokens;
  const system = systemBlocks([...request.system, ...movedSystem]);
  if (system.length > 0) {
    body.system = system;
  }
  body.messages = turns;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters,
      ...(tool.strict === true ? { strict: true } : {}),
    }));
    const choice = toolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice !== undefined) {
      body.tool_choice = choice;
    }
  }
  const reasoning = request.reasoning;
  if (reasoning?.disabled === true) {
    body.thinking = { type: 'disabled' };
  } else if (reasoning !== undefined) {
    const wanted =
      reasoning.budgetTokens ??
      (reasoning.effort === undefined ? undefined : thinkingBudgetForEffort[reasoning.effort]);
    const budget = wanted === undefined ? undefined : fitThinkingBudget(wanted, maxTokens);
    if (budget !== undefined) {
      body.thinking = { type: 'enabled', budget_tokens: budget };
    }
  }
  const format = request.responseFormat;
  if (format?.type === 'json-schema') {
    body.output_config = { format: { type: 'json_schema', schema: format.schema } };
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.stopSequences.length > 0) body.stop_sequences = [...request.stopSequences];
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.stream && options.streamInBody) body.stream = true;
  return { ...body, ...options.bodyFields };
}
