import type {
  AssistantContentPart,
  CacheControl,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';

export function invalidAnthropicField(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

export function untranslatableAnthropicField(param: string, what: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
    param,
    detail: `\`${param}\`: ${what} cannot be translated to another provider's format.`,
  });
}

/** Anthropic `cache_control` as a canonical cache hint (undefined when absent or unknown). */
export function decodeCacheControl(raw: unknown): CacheControl | undefined {
  if (!isJsonObject(raw) || raw.type !== 'ephemeral') {
    return undefined;
  }
  return raw.ttl === '5m' || raw.ttl === '1h'
    ? { type: 'ephemeral', ttl: raw.ttl }
    : { type: 'ephemeral' };
}

function textPart(block: JsonObject, path: string): TextPart {
  if (typeof block.text !== 'string') {
    throw invalidAnthropicField(`${path}.text`, 'A text block needs `text`.');
  }
  const cacheControl = decodeCacheControl(block.cache_control);
  return cacheControl === undefined
    ? { type: 'text', text: block.text }
    : { type: 'text', text: block.text, cacheControl };
}

/**
 * An image or document `source` as a canonical media source.
 * @see https://docs.anthropic.com/en/api/messages#body-messages-content
 */
function mediaSource(source: unknown, path: string): MediaSource {
  if (isJsonObject(source)) {
    if (
      source.type === 'base64' &&
      typeof source.media_type === 'string' &&
      typeof source.data === 'string'
    ) {
      return { kind: 'base64', mediaType: source.media_type, data: source.data };
    }
    if (source.type === 'url' && typeof source.url === 'string') {
      return { kind: 'url', url: source.url };
    }
    if (source.type === 'file' && typeof source.file_id === 'string') {
      return { kind: 'file-id', fileId: source.file_id };
    }
  }
  throw untranslatableAnthropicField(`${path}.source`, 'this source');
}

function imagePart(block: JsonObject, path: string): ImagePart {
  return { type: 'image', source: mediaSource(block.source, path) };
}

function blocksOf(content: unknown, path: string): JsonObject[] {
  if (typeof content === 'string') {
    return [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) {
    throw invalidAnthropicField(path, `\`${path}\` must be a string or an array of blocks.`);
  }
  return content.map((block, index) => {
    if (!isJsonObject(block)) {
      throw invalidAnthropicField(`${path}[${index}]`, `\`${path}[${index}]\` must be an object.`);
    }
    return block;
  });
}

function toolResultPart(block: JsonObject, path: string): ToolResultPart {
  if (typeof block.tool_use_id !== 'string') {
    throw invalidAnthropicField(`${path}.tool_use_id`, 'A tool result needs `tool_use_id`.');
  }
  const content =
    block.content === undefined || block.content === null
      ? []
      : blocksOf(block.content, `${path}.content`).map((inner, index): TextPart | ImagePart => {
          const innerPath = `${path}.content[${index}]`;
          if (inner.type === 'text') return textPart(inner, innerPath);
          if (inner.type === 'image') return imagePart(inner, innerPath);
          throw untranslatableAnthropicField(innerPath, `a "${String(inner.type)}" block`);
        });
  return {
    type: 'tool-result',
    toolCallId: block.tool_use_id,
    content,
    ...(block.is_error === true ? { isError: true } : {}),
  };
}

/** What a user turn holds: the tool results it answers and its own content, in order. */
export interface UserTurnParts {
  readonly toolResults: ToolResultPart[];
  readonly content: UserContentPart[];
}

/** A user turn's content blocks as canonical parts. */
export function userTurnParts(content: unknown, path: string): UserTurnParts {
  const toolResults: ToolResultPart[] = [];
  const parts: UserContentPart[] = [];
  blocksOf(content, path).forEach((block, index) => {
    const blockPath = `${path}[${index}]`;
    switch (block.type) {
      case 'text':
        parts.push(textPart(block, blockPath));
        return;
      case 'image':
        parts.push(imagePart(block, blockPath));
        return;
      case 'document': {
        const source = block.source;
        // A plain-text document is text the model reads; the title goes with it.
        if (isJsonObject(source) && source.type === 'text' && typeof source.data === 'string') {
          parts.push({ type: 'text', text: source.data });
          return;
        }
        parts.push({
          type: 'file',
          source: mediaSource(source, blockPath),
          filename: typeof block.title === 'string' ? block.title : undefined,
        });
        return;
      }
      case 'tool_result':
        toolResults.push(toolResultPart(block, blockPath));
        return;
      default:
        throw untranslatableAnthropicField(blockPath, `a "${String(block.type)}" block`);
    }
  });
  return { toolResults, content: parts };
}

/** An assistant turn's content blocks as canonical parts. */
export function assistantTurnParts(content: unknown, path: string): AssistantContentPart[] {
  return blocksOf(content, path).map((block, index): AssistantContentPart => {
    const blockPath = `${path}[${index}]`;
    switch (block.type) {
      case 'text':
        return textPart(block, blockPath);
      case 'thinking':
        return {
          type: 'reasoning',
          text: typeof block.thinking === 'string' ? block.thinking : '',
          ...(typeof block.signature === 'string' && block.signature !== ''
            ? { signature: block.signature }
            : {}),
        };
      case 'redacted_thinking':
        if (typeof block.data !== 'string') {
          throw invalidAnthropicField(
            `${blockPath}.data`,
            'A redacted thinking block needs `data`.',
          );
        }
        return { type: 'redacted-reasoning', data: block.data };
      case 'tool_use':
        if (typeof block.id !== 'string' || typeof block.name !== 'string') {
          throw invalidAnthropicField(blockPath, 'A tool use block needs `id` and `name`.');
        }
        return {
          type: 'tool-call',
          id: block.id,
          name: block.name,
          arguments: JSON.stringify(block.input ?? {}),
        };
      default:
        throw untranslatableAnthropicField(blockPath, `a "${String(block.type)}" block`);
    }
  });
}

/** System text (a string or text blocks) as canonical text parts. */
export function systemTextParts(content: unknown, path: string): TextPart[] {
  return blocksOf(content, path).map((block, index) => {
    if (block.type !== 'text') {
      throw invalidAnthropicField(`${path}[${index}]`, 'System content must be text blocks.');
    }
    return textPart(block, `${path}[${index}]`);
  });
}
