import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  AssistantContentPart,
  CacheControl,
  FilePart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';

type Block = JsonObject;

interface Turn {
  readonly role: 'user' | 'assistant';
  readonly content: Block[];
}

function cacheControl(control: CacheControl | undefined): JsonObject {
  if (control === undefined) {
    return {};
  }
  return {
    cache_control:
      control.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: control.ttl },
  };
}

/**
 * Anthropic tool ids must match `^[a-zA-Z0-9_-]+$`; ids from other providers are made to fit, the
 * same way for a call and for its result, so they still pair up.
 * @see https://docs.anthropic.com/en/api/messages#body-messages-content
 */
export function anthropicToolId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'toolu_' : cleaned;
}

function textBlock(part: TextPart): Block {
  return { type: 'text', text: part.text, ...cacheControl(part.cacheControl) };
}

function source(media: MediaSource): Block {
  switch (media.kind) {
    case 'base64':
      return { type: 'base64', media_type: media.mediaType, data: media.data };
    case 'url':
      return { type: 'url', url: media.url };
    case 'file-id':
      return { type: 'file', file_id: media.fileId };
  }
}

function imageBlock(part: ImagePart): Block {
  return { type: 'image', source: source(part.source) };
}

/** Media types a `document` block takes as a base64 source. */
export function isAnthropicDocumentType(mediaType: string): boolean {
  return mediaType === 'application/pdf' || mediaType === 'text/plain';
}

function documentBlock(part: FilePart): Block {
  const title = part.filename === undefined ? {} : { title: part.filename };
  const media = part.source;
  if (media.kind === 'base64' && media.mediaType === 'text/plain') {
    return {
      type: 'document',
      source: {
        type: 'text',
        media_type: 'text/plain',
        data: Buffer.from(media.data, 'base64').toString('utf8'),
      },
      ...title,
    };
  }
  return { type: 'document', source: source(media), ...title };
}

function userBlocks(parts: readonly UserContentPart[]): Block[] {
  return parts.flatMap((part): Block[] => {
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [textBlock(part)];
      case 'image':
        return [imageBlock(part)];
      case 'file':
        return [documentBlock(part)];
    }
  });
}

function toolInput(part: { readonly arguments: string }, path: string): JsonObject {
  if (part.arguments.trim() === '') {
    return {};
  }
  const parsed = safeParseJson(part.arguments);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: path,
      detail: `\`${path}\`: tool call arguments must be a JSON object to be sent to this provider.`,
    });
  }
  return parsed.value;
}

function assistantBlocks(parts: readonly AssistantContentPart[], path: string): Block[] {
  return parts.flatMap((part): Block[] => {
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [textBlock(part)];
      case 'refusal':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'reasoning':
        // Anthropic verifies earlier thinking by its signature; unsigned reasoning (from another
        // provider) cannot be given back, so it is left out.
        return part.signature === undefined
          ? []
          : [{ type: 'thinking', thinking: part.text, signature: part.signature }];
      case 'redacted-reasoning':
        return [{ type: 'redacted_thinking', data: part.data }];
      case 'tool-call':
        return [
          {
            type: 'tool_use',
            id: anthropicToolId(part.id),
            name: part.name,
            input: toolInput(part, path),
          },
        ];
    }
  });
}

function toolResultBlock(result: ToolResultPart): Block {
  const content = result.content.map((part) =>
    part.type === 'text' ? textBlock(part) : imageBlock(part),
  );
  return {
    type: 'tool_result',
    tool_use_id: anthropicToolId(result.toolCallId),
    ...(content.length === 0 ? {} : { content }),
    ...(result.isError === true ? { is_error: true } : {}),
  };
}

/**
 * Canonical messages as Anthropic turns: tool results go into a user turn (ahead of any user
 * content that follows them), consecutive turns of one role are merged, empty turns are left
 * out, and system messages from the middle of the conversation are returned separately for the
 * caller to append to `system` (Anthropic's system prompt is not positional).
 * @see https://docs.anthropic.com/en/api/messages#body-messages
 */
export function encodeAnthropicMessages(messages: readonly ChatMessage[]): {
  turns: Turn[];
  movedSystem: TextPart[];
} {
  const turns: Turn[] = [];
  const movedSystem: TextPart[] = [];
  const append = (role: Turn['role'], blocks: Block[]): void => {
    if (blocks.length === 0) {
      return;
    }
    const last = turns[turns.length - 1];
    if (last?.role === role) {
      last.content.push(...blocks);
    } else {
      turns.push({ role, content: blocks });
    }
  };
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        movedSystem.push(...message.content);
        return;
      case 'user':
        append('user', userBlocks(message.content));
        return;
      case 'tool':
        append('user', message.content.map(toolResultBlock));
        return;
      case 'assistant':
        append('assistant', assistantBlocks(message.content, `messages[${index}]`));
        return;
    }
  });
  return { turns, movedSystem };
}
