import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  bedrockConverseFileProblem,
  bedrockConverseImageProblem,
} from './bedrock-converse-media.ts';
import {
  bedrockConverseModelFamily,
  bedrockConverseModelFields,
} from './bedrock-converse-model-family.ts';
import {
  bedrockConverseToolInput,
  encodeBedrockConverseConversation,
} from './encode-bedrock-converse-messages.ts';
import { encodeBedrockConverseTools } from './encode-bedrock-converse-tools.ts';

function messageProblems(request: ChatRequest): string[] {
  const problems: string[] = [];
  request.messages.forEach((message, index) => {
    const reasons = new Set<string>();
    switch (message.role) {
      case 'user':
        for (const part of message.content) {
          const problem =
            part.type === 'image'
              ? bedrockConverseImageProblem(part)
              : part.type === 'file'
                ? bedrockConverseFileProblem(part)
                : undefined;
          if (problem !== undefined) reasons.add(problem);
        }
        break;
      case 'tool':
        for (const result of message.content) {
          for (const part of result.content) {
            const problem = part.type === 'image' ? bedrockConverseImageProblem(part) : undefined;
            if (problem !== undefined) reasons.add(`${problem} in a tool result`);
          }
        }
        break;
      case 'assistant':
        for (const part of message.content) {
          if (part.type === 'tool-call' && bedrockConverseToolInput(part.arguments) === undefined) {
            reasons.add('tool call arguments that are not a JSON object');
          }
        }
        break;
      case 'system':
        break;
    }
    for (const reason of reasons) {
      problems.push(`messages[${index}] (${reason})`);
    }
  });
  return problems;
}

/**
 * Parameters Converse cannot express, named as in the OpenAI API: `n`, `seed`,
 * `frequency_penalty`, `presence_penalty` and `user` have no Converse field; a `json_object`
 * response format has no equivalent (Converse's structured output needs a schema); media Converse
 * cannot fetch (web URLs, provider file ids) or does not take (other media types); tool-call
 * arguments that are not a JSON object (Converse wants an object). Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 */
export function unsupportedBedrockConverseParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.choices !== undefined && request.choices !== 1) unsupported.push('n');
  if (request.seed !== undefined) unsupported.push('seed');
  if (request.frequencyPenalty !== undefined) unsupported.push('frequency_penalty');
  if (request.presencePenalty !== undefined) unsupported.push('presence_penalty');
  if (request.user !== undefined) unsupported.push('user');
  if (request.responseFormat?.type === 'json-object') unsupported.push('response_format');
  unsupported.push(...messageProblems(request));
  return unsupported;
}

/**
 * A JSON-schema response format as Converse structured output: the schema travels as JSON text.
 * Bedrock enforces it on the models that support structured output and rejects the request on
 * the others, so it is never silently ignored.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_OutputConfig.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_JsonSchemaDefinition.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/structured-output.html
 */
function outputConfig(request: ChatRequest): JsonObject | undefined {
  const format = request.responseFormat;
  if (format?.type !== 'json-schema') {
    return undefined;
  }
  return {
    textFormat: {
      type: 'json_schema',
      structure: {
        jsonSchema: {
          schema: JSON.stringify(format.schema),
          name: format.name,
          ...(format.description === undefined ? {} : { description: format.description }),
        },
      },
    },
  };
}

/**
 * A canonical request as a Converse (or ConverseStream) body. The model travels in the URL, so
 * the body never names it; the same body serves both operations. Settings Converse has no field
 * for go into `additionalModelRequestFields` in the target model family's own terms (`top_k`,
 * reasoning, Claude's `tool_choice`); see `bedrockConverseModelFields` and
 * `encodeBedrockConverseTools`. Provider `bodyFields` are merged last. Pure; never changes `request`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
export function encodeBedrockConverseRequest(
  request: ChatRequest,
  options: EgressOptions,
): JsonObject {
  const family = bedrockConverseModelFamily(options.upstreamModel);
  const conversation = encodeBedrockConverseConversation(request);
  const tools = encodeBedrockConverseTools(request, conversation.hasToolBlocks, family);
  const body: JsonObject = { messages: conversation.messages };
  if (conversation.system.length > 0) body.system = conversation.system;
  // @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html
  const inference: JsonObject = {};
  if (request.maxOutputTokens !== undefined) inference.maxTokens = request.maxOutputTokens;
  if (request.temperature !== undefined) inference.temperature = request.temperature;
  if (request.topP !== undefined) inference.topP = request.topP;
  if (request.stopSequences.length > 0) inference.stopSequences = [...request.stopSequences];
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;
  if (tools.toolConfig !== undefined) body.toolConfig = tools.toolConfig;
  const output = outputConfig(request);
  if (output !== undefined) body.outputConfig = output;
  const modelFields = { ...bedrockConverseModelFields(request, family), ...tools.modelFields };
  if (Object.keys(modelFields).length > 0) body.additionalModelRequestFields = modelFields;
  return { ...body, ...options.bodyFields };
}
