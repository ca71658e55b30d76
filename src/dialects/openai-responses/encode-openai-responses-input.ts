import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';

function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

function joinText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join('');
}

/**
 * An image as an `input_image` part: a URL (inline data as a `data:` URL) or a file id.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
function inputImage(part: ImagePart): object {
  const source: MediaSource = part.source;
  const where =
    source.kind === 'file-id'
      ? { file_id: source.fileId }
      : { image_url: source.kind === 'url' ? source.url : dataUrl(source.mediaType, source.data) };
  return { type: 'input_image', ...where, detail: part.detail ?? 'auto' };
}

/**
 * A file as an `input_file` part. Inline data needs a file name, so one is made up from the
 * media type when the client gave none.
 * @see https://platform.openai.com/docs/guides/pdf-files
 */
function inputFile(part: FilePart): object {
  const source = part.source;
  switch (source.kind) {
    case 'file-id':
      return { type: 'input_file', file_id: source.fileId };
    case 'url':
      return { type: 'input_file', file_url: source.url };
    case 'base64':
      return {
        type: 'input_file',
        filename:
          part.filename ?? (source.mediaType === 'application/pdf' ? 'document.pdf' : 'file'),
        file_data: dataUrl(source.mediaType, source.data),
      };
  }
}

function userContent(parts: readonly UserContentPart[]): string | object[] {
  if (parts.every((part): part is TextPart => part.type === 'text')) {
    return joinText(parts);
  }
  return parts.map((part) => {
    switch (part.type) {
      case 'text':
        return { type: 'input_text', text: part.text };
      case 'image':
        return inputImage(part);
      case 'file':
        return inputFile(part);
    }
  });
}

/**
 * An assistant turn as input items, in order: text (and refusals, kept as text so the model sees
 * what it said) as assistant messages, function calls as `function_call` items, and reasoning that
 * carries its `encrypted_content` (the part's signature) as a `reasoning` item, without an `id`,
 * which with `store: false` would make the API look up an item it never stored. Reasoning without
 * a signature (another provider's, or summaries alone) cannot be given back and is left out, as is
 * redacted reasoning.
 * @see https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items
 * @see https://platform.openai.com/docs/guides/function-calling
 */
function assistantItems(parts: readonly AssistantContentPart[]): object[] {
  const items: object[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') {
      items.push({ role: 'assistant', content: text });
      text = '';
    }
  };
  for (const part of parts) {
    switch (part.type) {
      case 'text':
      case 'refusal':
        text += part.text;
        break;
      case 'tool-call':
        flush();
        items.push({
          type: 'function_call',
          call_id: part.id,
          name: part.name,
          arguments: part.arguments,
        });
        break;
      case 'reasoning':
        if (part.signature !== undefined) {
          flush();
          items.push({
            type: 'reasoning',
            summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
            encrypted_content: part.signature,
          });
        }
        break;
      case 'redacted-reasoning':
        break;
    }
  }
  flush();
  return items;
}

/**
 * A tool result as a `function_call_output` item: text alone as a string, text with images as
 * a list of `input_text` and `input_image` parts. The API has no error flag for a result.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
function toolOutput(result: ToolResultPart): object {
  const output = result.content.every((part): part is TextPart => part.type === 'text')
    ? joinText(result.content)
    : result.content.map((part) =>
        part.type === 'text' ? { type: 'input_text', text: part.text } : inputImage(part),
      );
  return { type: 'function_call_output', call_id: result.toolCallId, output };
}

/** One canonical message as Responses input items. Pure. */
export function encodeOpenAiResponsesMessage(message: ChatMessage): object[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: joinText(message.content) }];
    case 'user':
      return [{ role: 'user', content: userContent(message.content) }];
    case 'assistant':
      return assistantItems(message.content);
    case 'tool':
      return message.content.map(toolOutput);
  }
}

/** Whether a conversation carries reasoning that can be given back (it has its signature). */
export function hasSignedReasoning(messages: readonly ChatMessage[]): boolean {
  return messages.some(
    (message) =>
      message.role === 'assistant' &&
      message.content.some((part) => part.type === 'reasoning' && part.signature !== undefined),
  );
}
