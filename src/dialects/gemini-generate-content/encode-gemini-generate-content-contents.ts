import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  MediaSource,
  TextPart,
  ToolResultPart,
} from '../../canonical/content-part.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';

/**
 * The value Google documents for a function call replayed without the signature Gemini gave it
 * (history from another model, or edited): it tells Gemini 3 to skip signature validation.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const skipThoughtSignatureValidator = 'skip_thought_signature_validator';

interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: JsonObject[];
}

/** Media types by file extension, for URL media given without one (Gemini wants `mimeType`). */
const extensionMediaTypes: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

function guessMediaType(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : extensionMediaTypes[extension];
}

/**
 * Inline bytes as `inlineData`, a URL as `fileData` (Gemini fetches public and signed HTTPS URLs,
 * Cloud Storage `gs://` URIs and its own Files API URIs). A `data:` URL is inline bytes.
 * @see https://ai.google.dev/api/caching#Blob
 * @see https://ai.google.dev/api/caching#FileData
 */
function mediaPart(source: MediaSource): JsonObject {
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'url': {
      const inline = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
      if (inline !== null) {
        return { inlineData: { mimeType: inline[1] ?? '', data: inline[2] ?? '' } };
      }
      const mimeType = source.mediaType ?? guessMediaType(source.url);
      return {
        fileData: { ...(mimeType === undefined ? {} : { mimeType }), fileUri: source.url },
      };
    }
    case 'file-id':
      // Refused by unsupportedParameters (the id is another provider's); kept for completeness.
      return { fileData: { fileUri: source.fileId } };
  }
}

function textPart(text: string): JsonObject[] {
  return text === '' ? [] : [{ text }];
}

function joinText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join('');
}

/**
 * Function-call arguments as the object Gemini's `args` wants. Empty text and `null` (how Bedrock
 * and Cohere write "no arguments") are `{}`; anything else that is not a JSON object is undefined.
 */
export function argumentsObject(text: string): JsonObject | undefined {
  if (text.trim() === '') {
    return {};
  }
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    return undefined;
  }
  if (parsed.value === null) {
    return {};
  }
  return isJsonObject(parsed.value) ? parsed.value : undefined;
}

/** Attaches a signature to the text (or thought) part just before, when that one has none. */
function attachSignature(parts: JsonObject[], signature: string): boolean {
  const previous = parts[parts.length - 1];
  if (
    previous !== undefined &&
    typeof previous.text === 'string' &&
    previous.thoughtSignature === undefined
  ) {
    previous.thoughtSignature = signature;
    return true;
  }
  return false;
}

/**
 * An assistant turn's parts. Reasoning goes back as `thought: true` parts with its signature; an
 * empty reasoning part holding only a signature (how the decoders keep a signature that came on a
 * text part) goes back on the text part before it. Redacted reasoning is another provider's and
 * is not sent.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/api/caching#FunctionCall
 */
function modelParts(content: readonly AssistantContentPart[]): JsonObject[] {
  const parts: JsonObject[] = [];
  for (const part of content) {
    switch (part.type) {
      case 'text':
      case 'refusal':
        parts.push(...textPart(part.text));
        break;
      case 'reasoning': {
        const signature = part.signature;
        if (part.text !== '') {
          parts.push({
            text: part.text,
            thought: true,
            ...(signature === undefined ? {} : { thoughtSignature: signature }),
          });
        } else if (signature !== undefined && !attachSignature(parts, signature)) {
          parts.push({ text: '', thoughtSignature: signature });
        }
        break;
      }
      case 'tool-call':
        parts.push({
          functionCall: { name: part.name, args: argumentsObject(part.arguments) ?? {} },
          ...(part.signature === undefined ? {} : { thoughtSignature: part.signature }),
        });
        break;
      case 'redacted-reasoning':
        break;
    }
  }
  return parts;
}

/** The name of the latest tool call with this id before message `index`. */
function toolNameAt(
  messages: readonly ChatMessage[],
  index: number,
  id: string,
): string | undefined {
  for (let position = index - 1; position >= 0; position -= 1) {
    const message = messages[position];
    if (message?.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'tool-call' && part.id === id) {
          return part.name;
        }
      }
    }
  }
  return undefined;
}

/** The tool name of a result: its own, else that of the latest earlier call with its id. */
export function toolResultName(
  messages: readonly ChatMessage[],
  index: number,
  result: ToolResultPart,
): string | undefined {
  return result.toolName ?? toolNameAt(messages, index, result.toolCallId);
}

/**
 * Tool results as `functionResponse` parts (`response.output`, or `response.error` for a failed
 * call), each followed by the images it returned as ordinary media parts, which every Gemini
 * model reads (function-response media parts are Gemini 3 only). Ids are not sent: Vertex AI
 * rejects `id` on function calls and responses, and Gemini pairs them by name and order.
 * @see https://ai.google.dev/api/caching#FunctionResponse
 */
function toolResultParts(
  messages: readonly ChatMessage[],
  index: number,
  results: readonly ToolResultPart[],
): JsonObject[] {
  return results.flatMap((result) => {
    const text = joinText(result.content.filter((part): part is TextPart => part.type === 'text'));
    const images = result.content.filter((part): part is ImagePart => part.type === 'image');
    return [
      {
        functionResponse: {
          name: toolResultName(messages, index, result) ?? '',
          response: result.isError === true ? { error: text } : { output: text },
        },
      },
      ...images.map((image) => mediaPart(image.source)),
    ];
  });
}

function userParts(parts: readonly (TextPart | ImagePart | FilePart)[]): JsonObject[] {
  return parts.flatMap((part) =>
    part.type === 'text' ? textPart(part.text) : [mediaPart(part.source)],
  );
}

/**
 * Gemini 3 rejects a replayed step whose function calls carry no signature at all; such steps
 * (from another model, or a client that dropped the signature) get the documented bypass value on
 * their first call. Steps with a signature on any call are left as they are: in parallel calls
 * only the first carries one.
 */
function signUnsignedCalls(content: GeminiContent): void {
  const calls = content.parts.filter((part) => part.functionCall !== undefined);
  const first = calls[0];
  if (first !== undefined && calls.every((part) => part.thoughtSignature === undefined)) {
    first.thoughtSignature = skipThoughtSignatureValidator;
  }
}

/**
 * The conversation as Gemini `contents` and `systemInstruction` parts. Roles are `user` (user
 * turns and tool results) and `model`; consecutive turns of one role merge into one content, as
 * Gemini requires alternation; turns with nothing to send are left out. System text comes from
 * `request.system` and, in order, from system messages anywhere in the conversation (Gemini has
 * no system turn). Pure.
 * @see https://ai.google.dev/api/caching#Content
 * @see https://ai.google.dev/api/generate-content#v1beta.models.generateContent
 */
export function encodeGeminiContents(request: ChatRequest): {
  contents: GeminiContent[];
  systemParts: JsonObject[];
} {
  const systemParts: JsonObject[] = request.system.flatMap((part) => textPart(part.text));
  const contents: GeminiContent[] = [];
  const push = (role: GeminiContent['role'], parts: JsonObject[]): void => {
    if (parts.length === 0) {
      return;
    }
    const last = contents[contents.length - 1];
    if (last?.role === role) {
      last.parts.push(...parts);
    } else {
      contents.push({ role, parts });
    }
  };
  request.messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
        systemParts.push(...message.content.flatMap((part) => textPart(part.text)));
        break;
      case 'user':
        push('user', userParts(message.content));
        break;
      case 'assistant':
        push('model', modelParts(message.content));
        break;
      case 'tool':
        push('user', toolResultParts(request.messages, index, message.content));
        break;
    }
  });
  for (const content of contents) {
    if (content.role === 'model') {
      signUnsignedCalls(content);
    }
  }
  return { contents, systemParts };
}
