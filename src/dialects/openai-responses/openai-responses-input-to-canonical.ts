import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { mediaSourceFromUrl } from '../openai-chat/openai-chat-to-canonical.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

/** The 400 for request content that only an OpenAI Responses provider could understand. */
export function untranslatableResponsesField(param: string, what: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', {
    param,
    detail: `\`${param}\`: ${what} cannot be translated to another provider's format.`,
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `input_image` as an image part: `image_url` (a URL or a `data:` URL) or `file_id`.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
function imagePart(part: JsonObject, path: string): ImagePart {
  const detail = part.detail;
  const detailField: Pick<ImagePart, 'detail'> =
    detail === 'auto' || detail === 'low' || detail === 'high' ? { detail } : {};
  if (typeof part.image_url === 'string') {
    return { type: 'image', source: mediaSourceFromUrl(part.image_url), ...detailField };
  }
  if (typeof part.file_id === 'string') {
    return { type: 'image', source: { kind: 'file-id', fileId: part.file_id }, ...detailField };
  }
  throw invalid(path, `\`${path}\` needs an \`image_url\` or a \`file_id\`.`);
}

/**
 * `input_file` as a file part: inline `file_data` (a `data:` URL, or bare base64 taken as PDF,
 * the one type the API documents), `file_id` or `file_url`.
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function filePart(part: JsonObject, path: string): FilePart {
  const filename = text(part.filename);
  const named = filename === undefined ? {} : { filename };
  if (typeof part.file_data === 'string') {
    const source = mediaSourceFromUrl(part.file_data);
    return {
      type: 'file',
      source:
        source.kind === 'url'
          ? { kind: 'base64', mediaType: 'application/pdf', data: part.file_data }
          : source,
      ...named,
    };
  }
  if (typeof part.file_id === 'string') {
    return { type: 'file', source: { kind: 'file-id', fileId: part.file_id }, ...named };
  }
  if (typeof part.file_url === 'string') {
    return { type: 'file', source: { kind: 'url', url: part.file_url }, ...named };
  }
  throw invalid(path, `\`${path}\` needs \`file_data\`, \`file_id\` or \`file_url\`.`);
}

function contentList(content: unknown, path: string): unknown[] {
  if (!Array.isArray(content)) {
    throw invalid(path, `\`${path}\` must be a string or an array of content parts.`);
  }
  return content;
}

function contentPart(part: unknown, path: string): JsonObject {
  if (!isJsonObject(part)) {
    throw invalid(path, `\`${path}\` must be an object.`);
  }
  return part;
}

function userParts(content: unknown, path: string): UserContentPart[] {
  if (typeof content === 'string') {
    return [{ type: 'text', text: content }];
  }
  return contentList(content, path).map((raw, index): UserContentPart => {
    const partPath = `${path}[${index}]`;
    const part = contentPart(raw, partPath);
    switch (part.type) {
      case 'input_text':
        return { type: 'text', text: text(part.text) ?? '' };
      case 'input_image':
        return imagePart(part, partPath);
      case 'input_file':
        return filePart(part, partPath);
      default:
        throw untranslatableResponsesField(partPath, `a part of type "${String(part.type)}"`);
    }
  });
}

function systemParts(content: unknown, path: string): TextPart[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [{ type: 'text', text: content }];
  }
  return contentList(content, path).flatMap((raw, index): TextPart[] => {
    const partPath = `${path}[${index}]`;
    const part = contentPart(raw, partPath);
    if (part.type !== 'input_text') {
      throw untranslatableResponsesField(partPath, `a part of type "${String(part.type)}" here`);
    }
    const value = text(part.text) ?? '';
    return value === '' ? [] : [{ type: 'text', text: value }];
  });
}

function assistantParts(content: unknown, path: string): AssistantContentPart[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [{ type: 'text', text: content }];
  }
  return contentList(content, path).flatMap((raw, index): AssistantContentPart[] => {
    const partPath = `${path}[${index}]`;
    const part = contentPart(raw, partPath);
    if (part.type === 'output_text' || part.type === 'input_text') {
      const value = text(part.text) ?? '';
      return value === '' ? [] : [{ type: 'text', text: value }];
    }
    if (part.type === 'refusal') {
      return [{ type: 'refusal', text: text(part.refusal) ?? '' }];
    }
    throw untranslatableResponsesField(partPath, `a part of type "${String(part.type)}"`);
  });
}

/**
 * A `reasoning` item: its summary text (or, from open-weight servers, its reasoning text), and its
 * `encrypted_content` as the signature to give back. Undefined when it carries neither (a stored
 * item's bare id means nothing to another provider).
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output-reasoning
 */
export function reasoningPartOf(item: JsonObject): AssistantContentPart | undefined {
  const texts = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.flatMap((part) =>
          isJsonObject(part) && typeof part.text === 'string' && part.text !== ''
            ? [part.text]
            : [],
        )
      : [];
  const summary = texts(item.summary);
  const reasoning = (summary.length > 0 ? summary : texts(item.content)).join('\n\n');
  const signature =
    typeof item.encrypted_content === 'string' && item.encrypted_content !== ''
      ? item.encrypted_content
      : undefined;
  if (reasoning === '' && signature === undefined) {
    return undefined;
  }
  return { type: 'reasoning', text: reasoning, ...(signature === undefined ? {} : { signature }) };
}

/**
 * A `function_call_output` item as a tool result: a string, or a list of `input_text` and
 * `input_image` parts (a file cannot be a tool result in the canonical model).
 */
function toolResult(item: JsonObject, path: string): ToolResultPart {
  if (typeof item.call_id !== 'string') {
    throw invalid(`${path}.call_id`, '`call_id` must name the function call being answered.');
  }
  const output = item.output;
  const outputPath = `${path}.output`;
  let content: (TextPart | ImagePart)[];
  if (typeof output === 'string') {
    content = output === '' ? [] : [{ type: 'text', text: output }];
  } else {
    content = contentList(output, outputPath).map((raw, index) => {
      const partPath = `${outputPath}[${index}]`;
      const part = contentPart(raw, partPath);
      if (part.type === 'input_text') {
        return { type: 'text', text: text(part.text) ?? '' };
      }
      if (part.type === 'input_image') {
        return imagePart(part, partPath);
      }
      throw untranslatableResponsesField(partPath, `a part of type "${String(part.type)}" here`);
    });
  }
  return { type: 'tool-result', toolCallId: item.call_id, content };
}

/** Builds the conversation, merging what belongs to one assistant turn or one round of results. */
class ConversationBuilder {
  readonly system: TextPart[] = [];
  readonly messages: ChatMessage[] = [];

  systemText(parts: TextPart[]): void {
    if (this.messages.length === 0) {
      this.system.push(...parts);
    } else {
      this.messages.push({ role: 'system', content: parts });
    }
  }

  user(parts: UserContentPart[]): void {
    this.messages.push({ role: 'user', content: parts });
  }

  /** Assistant messages, reasoning and function calls in a row are one assistant turn. */
  assistant(parts: AssistantContentPart[]): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'assistant') {
      this.messages[this.messages.length - 1] = {
        role: 'assistant',
        content: [...last.content, ...parts],
      };
    } else {
      this.messages.push({ role: 'assistant', content: parts });
    }
  }

  /** Function outputs in a row answer one assistant turn: keep them in one tool message. */
  toolResult(part: ToolResultPart): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === 'tool') {
      this.messages[this.messages.length - 1] = { role: 'tool', content: [...last.content, part] };
    } else {
      this.messages.push({ role: 'tool', content: [part] });
    }
  }
}

function messageItem(item: JsonObject, path: string, conversation: ConversationBuilder): void {
  const contentPath = `${path}.content`;
  switch (item.role) {
    case 'system':
    case 'developer':
      conversation.systemText(systemParts(item.content, contentPath));
      return;
    case 'user':
      conversation.user(userParts(item.content, contentPath));
      return;
    case 'assistant':
      conversation.assistant(assistantParts(item.content, contentPath));
      return;
    default:
      throw untranslatableResponsesField(`${path}.role`, `the role "${String(item.role)}"`);
  }
}

function inputItem(raw: unknown, path: string, conversation: ConversationBuilder): void {
  if (!isJsonObject(raw)) {
    throw invalid(path, `\`${path}\` must be an object.`);
  }
  const type = raw.type ?? (raw.role === undefined ? undefined : 'message');
  switch (type) {
    case 'message':
      messageItem(raw, path, conversation);
      return;
    case 'function_call': {
      if (typeof raw.call_id !== 'string' || typeof raw.name !== 'string') {
        throw invalid(path, `\`${path}\` must be a function call with a \`call_id\` and a name.`);
      }
      conversation.assistant([
        {
          type: 'tool-call',
          id: raw.call_id,
          name: raw.name,
          arguments: typeof raw.arguments === 'string' ? raw.arguments : '{}',
        },
      ]);
      return;
    }
    case 'function_call_output':
      conversation.toolResult(toolResult(raw, path));
      return;
    case 'reasoning': {
      const part = reasoningPartOf(raw);
      if (part !== undefined) {
        conversation.assistant([part]);
      }
      return;
    }
    case 'item_reference':
      throw untranslatableResponsesField(path, 'a reference to a stored item');
    default:
      // Built-in tool calls and their outputs (web search, file search, computer use, code
      // interpreter, shell, MCP, custom tools, compaction) only mean something to OpenAI.
      throw untranslatableResponsesField(
        path,
        `an item of type "${typeof type === 'string' ? type : 'unknown'}"`,
      );
  }
}

/**
 * The system text and conversation for a Responses request's `instructions` and `input`. A string
 * input is one user message. System and developer messages before any other message join the
 * system text (after `instructions`); later ones stay in place. Input items only OpenAI can
 * interpret (stored item references, built-in tool calls and outputs, audio) are refused with a
 * 400 naming the item. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function openAiResponsesInputToCanonical(
  instructions: readonly TextPart[],
  input: unknown,
): { system: TextPart[]; messages: ChatMessage[] } {
  const conversation = new ConversationBuilder();
  conversation.system.push(...instructions);
  if (typeof input === 'string') {
    conversation.user([{ type: 'text', text: input }]);
  } else if (Array.isArray(input)) {
    input.forEach((item, index) => {
      inputItem(item, `input[${index}]`, conversation);
    });
  }
  return { system: conversation.system, messages: conversation.messages };
}
