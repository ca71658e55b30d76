import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { ChatRequest, ReasoningSettings, ToolChoice } from '../../canonical/chat-request.ts';
import type {
  ImagePart,
  MediaSource,
  TextPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';

function mediaUrl(source: MediaSource): string {
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'base64':
      return `data:${source.mediaType};base64,${source.data}`;
    case 'file-id':
      return source.fileId;
  }
}

function joinText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join('');
}

function userContent(parts: readonly UserContentPart[]): string | object[] {
  if (parts.every((part): part is TextPart => part.type === 'text')) {
    return joinText(parts);
  }
  return parts.map((part) => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return {
          type: 'image_url',
          image_url: {
            url: mediaUrl(part.source),
            ...(part.detail === undefined ? {} : { detail: part.detail }),
          },
        };
      case 'file':
        return {
          type: 'file',
          file:
            part.source.kind === 'file-id'
              ? { file_id: part.source.fileId }
              : {
                  file_data: mediaUrl(part.source),
                  ...(part.filename === undefined ? {} : { filename: part.filename }),
                },
        };
    }
  });
}

function encodeMessage(message: ChatMessage): object[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: joinText(message.content) }];
    case 'user':
      return [{ role: 'user', content: userContent(message.content) }];
    case 'assistant': {
      const text = message.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
      const refusal = message.content.flatMap((part) =>
        part.type === 'refusal' ? [part.text] : [],
      );
      const toolCalls = message.content.flatMap((part) =>
        part.type === 'tool-call'
          ? [
              {
                id: part.id,
                type: 'function',
                function: { name: part.name, arguments: part.arguments },
              },
            ]
          : [],
      );
      const encoded: Record<string, unknown> = {
        role: 'assistant',
        content: text.length > 0 ? text.join('') : null,
      };
      if (refusal.length > 0) {
        encoded.refusal = refusal.join('');
      }
      if (toolCalls.length > 0) {
        encoded.tool_calls = toolCalls;
      }
      return [encoded];
    }
    case 'tool':
      return message.content.map((result) => ({
        role: 'tool',
        tool_call_id: result.toolCallId,
        content: joinText(result.content.filter((part): part is TextPart => part.type === 'text')),
      }));
  }
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool'
    ? { type: 'function', function: { name: choice.name } }
    : choice.type;
}

/** Maps a thinking budget onto OpenAI's effort levels (the nearest level at or above it). */
export function effortForReasoning(reasoning: ReasoningSettings): string | undefined {
  if (reasoning.disabled === true) {
    return undefined;
  }
  if (reasoning.effort !== undefined) {
    return reasoning.effort;
  }
  const budget = reasoning.budgetTokens;
  if (budget === undefined) {
    return undefined;
  }
  return budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

/**
 * Parameters OpenAI Chat Completions cannot express, named as in the OpenAI API: `top_k`, images
 * in tool results, images given by file id, and files given by URL.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function unsupportedOpenAiChatParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.topK !== undefined) {
    unsupported.push('top_k');
  }
  request.messages.forEach((message, index) => {
    if (
      message.role === 'tool' &&
      message.content.some((result) => result.content.some((part) => part.type === 'image'))
    ) {
      unsupported.push(`messages[${index}] (image in a tool result)`);
    }
    if (
      message.role === 'user' &&
      message.content.some(
        (part): part is ImagePart => part.type === 'image' && part.source.kind === 'file-id',
      )
    ) {
      unsupported.push(`messages[${index}] (image given by file id)`);
    }
    // A file part takes inline data or an uploaded file's id, not a URL.
    if (
      message.role === 'user' &&
      message.content.some((part) => part.type === 'file' && part.source.kind === 'url')
    ) {
      unsupported.push(`messages[${index}] (file given by URL)`);
    }
  });
  return unsupported;
}

/**
 * A canonical request as an OpenAI Chat Completions body. Reasoning parts of earlier assistant
 * turns are not sent (the Chat Completions input has no field for them); a thinking budget is
 * expressed as the nearest effort level. Pure.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function encodeOpenAiChatRequest(request: ChatRequest, options: EgressOptions): JsonObject {
  const messages: object[] = [];
  if (request.system.length > 0) {
    messages.push({ role: 'system', content: joinText(request.system) });
  }
  for (const message of request.messages) {
    messages.push(...encodeMessage(message));
  }
  const body: JsonObject = {};
  if (options.modelInBody) {
    body.model = options.upstreamModel;
  }
  body.messages = messages;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  const format = request.responseFormat;
  if (format !== undefined) {
    body.response_format =
      format.type === 'json-schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name,
              schema: format.schema,
              ...(format.strict === undefined ? {} : { strict: format.strict }),
              ...(format.description === undefined ? {} : { description: format.description }),
            },
          }
        : { type: format.type === 'json-object' ? 'json_object' : 'text' };
  }
  const effort =
    request.reasoning === undefined ? undefined : effortForReasoning(request.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.maxOutputTokens !== undefined) body[options.maxTokensField] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stopSequences.length > 0) body.stop = [...request.stopSequences];
  if (request.choices !== undefined) body.n = request.choices;
  if (request.user !== undefined) body.user = request.user;
  if (request.stream) {
    body.stream = true;
    if (options.requestStreamUsage) {
      body.stream_options = { include_usage: true };
    }
  }
  return { ...body, ...options.bodyFields };
}
