import type { ChatRequest, ResponseFormat, ToolChoice } from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { effortForReasoning } from '../openai-chat/encode-openai-chat-request.ts';
import {
  encodeOpenAiResponsesMessage,
  hasSignedReasoning,
} from './encode-openai-responses-input.ts';

/** The smallest `max_output_tokens` the API accepts. */
const minimumOutputTokens = 16;

/**
 * Parameters the Responses API cannot express, named as in the OpenAI Chat API: several choices
 * (`n`), `seed`, stop sequences, the frequency and presence penalties and `top_k`.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function unsupportedOpenAiResponsesParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.choices !== undefined && request.choices !== 1) unsupported.push('n');
  if (request.seed !== undefined) unsupported.push('seed');
  if (request.stopSequences.length > 0) unsupported.push('stop');
  if (request.frequencyPenalty !== undefined) unsupported.push('frequency_penalty');
  if (request.presencePenalty !== undefined) unsupported.push('presence_penalty');
  if (request.topK !== undefined) unsupported.push('top_k');
  return unsupported;
}

/** @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tool_choice */
function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

/** @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-text */
function encodeTextFormat(format: ResponseFormat): object {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json-object':
      return { type: 'json_object' };
    case 'json-schema':
      return {
        type: 'json_schema',
        name: format.name,
        schema: format.schema,
        ...(format.strict === undefined ? {} : { strict: format.strict }),
        ...(format.description === undefined ? {} : { description: format.description }),
      };
  }
}

/**
 * A canonical request as an OpenAI Responses body, always stateless: `store: false`, the whole
 * conversation in `input`, system text in `instructions`. When reasoning is involved (an effort or
 * budget is set, or earlier turns carry signed reasoning) it asks for
 * `include: ["reasoning.encrypted_content"]`, so that the reasoning can be given back next turn;
 * it is not asked otherwise because models without reasoning refuse it. Function tools are sent
 * with an explicit `strict` (the Responses API would otherwise default to strict schemas, which
 * arbitrary schemas fail). A thinking budget becomes the nearest effort level; an output limit
 * below the API's minimum of 16 is raised to it. `model` is written only when the provider wants
 * it in the body, `stream: true` only when the body selects streaming. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 * @see https://platform.openai.com/docs/guides/migrate-to-responses
 */
export function encodeOpenAiResponsesRequest(
  request: ChatRequest,
  options: EgressOptions,
): JsonObject {
  const body: JsonObject = {};
  if (options.modelInBody) {
    body.model = options.upstreamModel;
  }
  if (request.system.length > 0) {
    // Separate system texts (instructions, developer messages) stay separate paragraphs.
    body.instructions = request.system.map((part) => part.text).join('\n\n');
  }
  body.input = request.messages.flatMap(encodeOpenAiResponsesMessage);
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat !== undefined) {
    body.text = { format: encodeTextFormat(request.responseFormat) };
  }
  const effort =
    request.reasoning === undefined ? undefined : effortForReasoning(request.reasoning);
  if (effort !== undefined) body.reasoning = { effort };
  body.store = false;
  if (effort !== undefined || hasSignedReasoning(request.messages)) {
    body.include = ['reasoning.encrypted_content'];
  }
  if (request.maxOutputTokens !== undefined) {
    body.max_output_tokens = Math.max(minimumOutputTokens, request.maxOutputTokens);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.user !== undefined) body.user = request.user;
  if (request.metadata !== undefined) body.metadata = { ...request.metadata };
  if (request.stream && options.streamInBody) body.stream = true;
  return { ...body, ...options.bodyFields };
}
