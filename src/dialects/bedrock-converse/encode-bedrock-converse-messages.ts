import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type {
  AssistantContentPart,
  CacheControl,
  FilePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import {
  bedrockConverseDocumentName,
  encodeBedrockConverseFile,
  encodeBedrockConverseImage,
} from './bedrock-converse-media.ts';

/** The conversation part of a Converse body. */
export interface BedrockConverseConversation {
  readonly system: JsonObject[];
  readonly messages: JsonObject[];
  /** Whether any message carries `toolUse` or `toolResult` blocks (Converse then needs `toolConfig`). */
  readonly hasToolBlocks: boolean;
}

/**
 * Tool-call arguments as the object Converse wants in `toolUse.input`: empty text (a tool without
 * parameters) is `{}`; text that is not a JSON object gives undefined (it cannot be sent). Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolUseBlock.html
 */
export function bedrockConverseToolInput(argumentsText: string): JsonObject | undefined {
  if (argumentsText.trim() === '') {
    return {};
  }
  const parsed = safeParseJson(argumentsText);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

/**
 * A prompt-cache checkpoint after a part marked for caching.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html
 */
function cachePoint(control: CacheControl | undefined): JsonObject[] {
  if (control === undefined) {
    return [];
  }
  return [
    { cachePoint: { type: 'default', ...(control.ttl === undefined ? {} : { ttl: control.ttl }) } },
  ];
}

/** Converse rejects blank text blocks, so empty text parts are left out. */
function textBlocks(part: TextPart): JsonObject[] {
  return part.text === '' ? [] : [{ text: part.text }, ...cachePoint(part.cacheControl)];
}

/** Hands out document names that are valid and unique within the request, as Converse requires. */
class DocumentNamer {
  readonly #used = new Set<string>();
  #counter = 0;

  name(part: FilePart): string {
    let base = bedrockConverseDocumentName(part.filename);
    if (base === '') {
      this.#counter += 1;
      base = `document-${this.#counter}`;
    }
    let name = base;
    for (let copy = 2; this.#used.has(name); copy += 1) {
      name = `${base} (${copy})`;
    }
    this.#used.add(name);
    return name;
  }
}

function userBlocks(parts: readonly UserContentPart[], namer: DocumentNamer): JsonObject[] {
  return parts.flatMap((part): JsonObject[] => {
    switch (part.type) {
      case 'text':
        return textBlocks(part);
      case 'image': {
        const image = encodeBedrockConverseImage(part.source);
        return image === undefined ? [] : [image];
      }
      case 'file': {
        const file = encodeBedrockConverseFile(part, namer.name(part));
        return file === undefined ? [] : [file];
      }
    }
  });
}

/**
 * Assistant parts as Converse blocks. Reasoning goes back only with its signature (models that
 * sign their reasoning reject unsigned reasoning, and unsigned reasoning from another provider is
 * not this model's own); redacted reasoning goes back as it came.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html
 */
function assistantBlocks(parts: readonly AssistantContentPart[]): JsonObject[] {
  return parts.flatMap((part): JsonObject[] => {
    switch (part.type) {
      case 'text':
        return textBlocks(part);
      case 'refusal':
        return part.text === '' ? [] : [{ text: part.text }];
      case 'reasoning':
        return part.signature === undefined
          ? []
          : [
              {
                reasoningContent: { reasoningText: { text: part.text, signature: part.signature } },
              },
            ];
      case 'redacted-reasoning':
        return [{ reasoningContent: { redactedContent: part.data } }];
      case 'tool-call':
        return [
          {
            toolUse: {
              toolUseId: part.id,
              name: part.name,
              input: bedrockConverseToolInput(part.arguments) ?? {},
            },
          },
        ];
    }
  });
}

/**
 * A tool result as a Converse `toolResult` block, in the user turn that follows the call.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolResultBlock.html
 */
function toolResultBlock(result: ToolResultPart): JsonObject {
  const content = result.content.flatMap((part): JsonObject[] => {
    if (part.type === 'text') {
      return part.text === '' ? [] : [{ text: part.text }];
    }
    const image = encodeBedrockConverseImage(part.source);
    return image === undefined ? [] : [image];
  });
  return {
    toolResult: {
      toolUseId: result.toolCallId,
      content,
      ...(result.isError === true ? { status: 'error' } : {}),
    },
  };
}

function encodeTurn(
  message: Exclude<ChatMessage, { role: 'system' }>,
  namer: DocumentNamer,
): { role: 'user' | 'assistant'; content: JsonObject[] } {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: userBlocks(message.content, namer) };
    case 'assistant':
      return { role: 'assistant', content: assistantBlocks(message.content) };
    case 'tool':
      return { role: 'user', content: message.content.map(toolResultBlock) };
  }
}

/**
 * The `system` and `messages` of a Converse body. System messages found mid-conversation move to
 * `system`, after the request's own system text, in order (Converse has no system turn). Tool
 * results go in a user turn; consecutive turns of one role are merged, since Converse expects
 * user and assistant turns to alternate; turns left empty are dropped. Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_RequestSyntax
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html
 */
export function encodeBedrockConverseConversation(
  request: ChatRequest,
): BedrockConverseConversation {
  const system: JsonObject[] = request.system.flatMap(textBlocks);
  const messages: { role: 'user' | 'assistant'; content: JsonObject[] }[] = [];
  const namer = new DocumentNamer();
  let hasToolBlocks = false;
  for (const message of request.messages) {
    if (message.role === 'system') {
      system.push(...message.content.flatMap(textBlocks));
      continue;
    }
    const turn = encodeTurn(message, namer);
    if (turn.content.length === 0) {
      continue;
    }
    hasToolBlocks ||= turn.content.some((block) => 'toolUse' in block || 'toolResult' in block);
    const previous = messages[messages.length - 1];
    if (previous?.role === turn.role) {
      previous.content.push(...turn.content);
    } else {
      messages.push(turn);
    }
  }
  return { system, messages, hasToolBlocks };
}
