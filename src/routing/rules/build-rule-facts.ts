import type { ChatRequest, ResponseFormat } from '../../canonical/chat-request.ts';
import type { FilePart, ImagePart } from '../../canonical/content-part.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { isJsonObject } from '../../lib/json.ts';
import { isCredentialHeaderName } from './credential-header-name.ts';
import type { RuleFactsInput } from './rule-facts.ts';

/** Request headers as Node's `IncomingHttpHeaders` has them. */
export type RuleHeadersSource = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The gateway key that authenticated the request, as far as rules may see it. */
export interface RuleKeySource {
  readonly id: string;
  readonly name: string;
  readonly team: string | undefined;
  readonly tags: readonly string[];
}

/** What the gateway knows about a request when it picks a route. */
export interface RuleFactsSources {
  readonly envelope: Pick<ModelRequestEnvelope, 'model' | 'operation' | 'dialect' | 'stream'>;
  /** The canonical request, when the operation is `chat` or `count-tokens`. */
  readonly chatRequest?: ChatRequest | undefined;
  readonly estimatedInputTokens: number;
  readonly requestedRegion: string | undefined;
  readonly requestedTags: readonly string[];
  readonly headers: RuleHeadersSource;
  readonly key: RuleKeySource;
}

/**
 * The facts rule expressions see, derived from what the gateway has. Tools, JSON output, media,
 * reasoning, max tokens, user and metadata come from `chatRequest` when the operation is `chat`
 * or `count-tokens` (a token count routes like the chat it measures); otherwise they are false,
 * 0, '' or empty. Audio is recognised on file parts by media type (`audio/…`, also in `data:`
 * URLs) or file extension, and such parts count as `audio`, not `files`. Header names are
 * lower-cased, repeated values joined with ", ", and credential headers already dropped (so the
 * result is safe to log). Nothing is capped here: `toCelContext` does that.
 *
 * Pure; never throws, however malformed the input (missing arrays, null entries, unknown part
 * types, non-string values are skipped or read as absent).
 */
export function buildRuleFacts(sources: RuleFactsSources): RuleFactsInput {
  // Read through `unknown`: field names stay checked by the compiler, values are checked here.
  const envelope: Partial<Record<keyof RuleFactsSources['envelope'], unknown>> = asRecord(
    sources.envelope,
  );
  const key: Partial<Record<keyof RuleKeySource, unknown>> = asRecord(sources.key);
  const operation = textOrEmpty(envelope.operation);
  const chat =
    operation === 'chat' || operation === 'count-tokens'
      ? chatFacts(sources.chatRequest)
      : noChatFacts();
  return {
    request: {
      model: textOrEmpty(envelope.model),
      operation,
      dialect: textOrEmpty(envelope.dialect),
      stream: envelope.stream === true,
      ...chat,
      inputTokens: numberOrZero(sources.estimatedInputTokens),
      region: textOrEmpty(sources.requestedRegion),
      tags: stringsOf(sources.requestedTags),
    },
    headers: headerMap(sources.headers),
    key: {
      id: textOrEmpty(key.id),
      name: textOrEmpty(key.name),
      team: textOrEmpty(key.team),
      tags: stringsOf(key.tags),
    },
  };
}

interface ChatFacts {
  readonly tools: boolean;
  readonly json: boolean;
  readonly images: boolean;
  readonly audio: boolean;
  readonly files: boolean;
  readonly reasoning: boolean;
  readonly maxTokens: number;
  readonly user: string;
  readonly metadata: ReadonlyMap<string, string>;
}

function noChatFacts(): ChatFacts {
  return {
    tools: false,
    json: false,
    images: false,
    audio: false,
    files: false,
    reasoning: false,
    maxTokens: 0,
    user: '',
    metadata: new Map(),
  };
}

const jsonFormats: ReadonlySet<unknown> = new Set<ResponseFormat['type']>([
  'json-object',
  'json-schema',
]);

function chatFacts(chatRequest: ChatRequest | undefined): ChatFacts {
  const request: Partial<Record<keyof ChatRequest, unknown>> = asRecord(chatRequest);
  const tools = request.tools;
  const responseFormat: Partial<Record<string, unknown>> = asRecord(request.responseFormat);
  const media = findMedia(request.messages);
  return {
    tools: Array.isArray(tools) && tools.length > 0,
    json: jsonFormats.has(responseFormat.type),
    images: media.images,
    audio: media.audio,
    files: media.files,
    reasoning: asksForReasoning(request.reasoning),
    maxTokens: numberOrZero(request.maxOutputTokens),
    user: textOrEmpty(request.user),
    metadata: metadataMap(request.metadata),
  };
}

function asksForReasoning(value: unknown): boolean {
  if (!isJsonObject(value) || value.disabled === true) {
    return false;
  }
  const budget = value.budgetTokens;
  return typeof value.effort === 'string' || (typeof budget === 'number' && budget > 0);
}

interface MediaFound {
  images: boolean;
  audio: boolean;
  files: boolean;
}

const imageType: ImagePart['type'] = 'image';
const fileType: FilePart['type'] = 'file';

/** Scans user content and tool results once, stopping as soon as every kind has been seen. */
function findMedia(messages: unknown): MediaFound {
  const found: MediaFound = { images: false, audio: false, files: false };
  for (const message of listOf(messages)) {
    const content = isJsonObject(message) ? message.content : undefined;
    for (const part of listOf(content)) {
      if (!isJsonObject(part)) {
        continue;
      }
      if (part.type === imageType) {
        found.images = true;
      } else if (part.type === fileType) {
        if (isAudio(part.source, part.filename)) {
          found.audio = true;
        } else {
          found.files = true;
        }
      } else if (part.type === 'tool-result') {
        found.images ||= listOf(part.content).some(
          (inner) => isJsonObject(inner) && inner.type === imageType,
        );
      }
      if (found.images && found.audio && found.files) {
        return found;
      }
    }
  }
  return found;
}

const audioExtensions: ReadonlySet<string> = new Set([
  'aac',
  'aif',
  'aiff',
  'amr',
  'flac',
  'm4a',
  'mp3',
  'oga',
  'ogg',
  'opus',
  'wav',
  'weba',
]);

function isAudio(source: unknown, filename: unknown): boolean {
  if (typeof filename === 'string' && hasAudioExtension(filename)) {
    return true;
  }
  if (!isJsonObject(source)) {
    return false;
  }
  if (typeof source.mediaType === 'string' && isAudioMediaType(source.mediaType)) {
    return true;
  }
  const url = source.url;
  if (typeof url !== 'string') {
    return false;
  }
  if (url.slice(0, 5).toLowerCase() === 'data:') {
    // Only the head is read: a data URL can be megabytes of base64.
    return isAudioMediaType(url.slice(5, 11));
  }
  const pathEnd = [url.indexOf('?'), url.indexOf('#'), url.length]
    .filter((index) => index >= 0)
    .reduce((smallest, index) => Math.min(smallest, index));
  return hasAudioExtension(url.slice(0, pathEnd));
}

function isAudioMediaType(mediaType: string): boolean {
  return mediaType.slice(0, 6).toLowerCase() === 'audio/';
}

function hasAudioExtension(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) {
    return false;
  }
  return audioExtensions.has(path.slice(dot + 1).toLowerCase());
}

function metadataMap(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (isJsonObject(value)) {
    for (const [name, entry] of Object.entries(value)) {
      if (typeof entry === 'string') {
        map.set(name, entry);
      }
    }
  }
  return map;
}

function headerMap(headers: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (!isJsonObject(headers)) {
    return map;
  }
  for (const [name, value] of Object.entries(headers)) {
    const lowerName = name.toLowerCase();
    if (isCredentialHeaderName(lowerName) || map.has(lowerName)) {
      continue;
    }
    if (typeof value === 'string') {
      map.set(lowerName, value);
    } else if (Array.isArray(value)) {
      map.set(lowerName, stringsOf(value).join(', '));
    }
  }
  return map;
}

function asRecord(value: unknown): Partial<Record<string, unknown>> {
  return isJsonObject(value) ? value : {};
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringsOf(value: unknown): string[] {
  return listOf(value).filter((entry) => typeof entry === 'string');
}

function textOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function numberOrZero(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
