import { Buffer } from 'node:buffer';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { FilePart, TextPart } from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';

/**
 * What a request holds, sorted by how its tokens can be known: text a tokenizer can count, opaque
 * strings only their length bounds, media counted per item, and structure counted per element.
 */
export interface RequestTokenInventory {
  /** Every text a model's tokenizer sees, in request order (schemas as compact JSON). */
  readonly texts: readonly string[];
  /**
   * UTF-16 code units (all ASCII) that laying schemas out as JSON indented by two spaces adds to
   * their compact form; the upper bound counts them, the exact count does not.
   */
  readonly schemaLayoutBytes: number;
  /**
   * UTF-8 bytes of strings that are not text to tokenize: reasoning signatures and encrypted
   * reasoning, which a provider may decrypt into context (plaintext is never longer than its
   * encrypted, base64-encoded form).
   */
  readonly opaqueBytes: number;
  /** Messages, counting the request's system block as one. */
  readonly messages: number;
  /** Content parts of every kind, including those inside tool results. */
  readonly parts: number;
  /** Content parts beyond each message's first (where parts are joined). */
  readonly extraParts: number;
  readonly tools: number;
  readonly toolCalls: number;
  readonly toolResults: number;
  readonly images: number;
  readonly textFiles: number;
  /** An upper bound on the decoded bytes of inline text files (¾ of their base64 length). */
  readonly textFileBytes: number;
  /**
   * Parts whose tokens nothing here can bound: files that are not inline text (a PDF's pages cost
   * image tokens each and its text is compressed; audio and video cost tokens per second), and
   * files given by URL or provider id.
   */
  readonly uncountableParts: number;
  readonly responseFormat: 'text' | 'json-object' | 'json-schema';
}

/** Media types whose decoded bytes are the text a model reads. */
const textMediaTypes = new Set([
  'application/json',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/x-ndjson',
  'application/javascript',
  'application/csv',
]);

function isTextMediaType(mediaType: string): boolean {
  const type = mediaType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    type.endsWith('+json') ||
    type.endsWith('+xml') ||
    textMediaTypes.has(type)
  );
}

/** Accumulates the inventory; one instance per walk. */
class InventoryBuilder {
  readonly texts: string[] = [];
  schemaLayoutBytes = 0;
  opaqueBytes = 0;
  messages = 0;
  parts = 0;
  extraParts = 0;
  tools = 0;
  toolCalls = 0;
  toolResults = 0;
  images = 0;
  textFiles = 0;
  textFileBytes = 0;
  uncountableParts = 0;

  addSchema(name: string, description: string | undefined, schema: Readonly<JsonObject>): void {
    const compact = JSON.stringify(schema);
    this.texts.push(name, compact);
    if (description !== undefined) {
      this.texts.push(description);
    }
    this.schemaLayoutBytes += JSON.stringify(schema, null, 2).length - compact.length;
  }

  addOpaque(value: string | undefined): void {
    if (value !== undefined) {
      this.opaqueBytes += Buffer.byteLength(value, 'utf8');
    }
  }

  addMessage(parts: number): void {
    this.messages++;
    this.extraParts += Math.max(0, parts - 1);
  }

  addTextParts(parts: readonly TextPart[]): void {
    for (const part of parts) {
      this.parts++;
      this.texts.push(part.text);
    }
  }

  addImage(): void {
    this.parts++;
    this.images++;
  }

  addFile(part: FilePart): void {
    this.parts++;
    const source = part.source;
    if (source.kind === 'base64' && isTextMediaType(source.mediaType)) {
      this.textFiles++;
      this.textFileBytes += Math.ceil((source.data.length * 3) / 4);
      if (part.filename !== undefined) {
        this.texts.push(part.filename);
      }
    } else {
      this.uncountableParts++;
    }
  }

  addConversationMessage(message: ChatMessage): void {
    this.addMessage(message.content.length);
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'refusal':
          this.parts++;
          this.texts.push(part.text);
          break;
        case 'reasoning':
          this.parts++;
          this.texts.push(part.text);
          this.addOpaque(part.signature);
          break;
        case 'redacted-reasoning':
          this.parts++;
          this.addOpaque(part.data);
          break;
        case 'tool-call':
          this.parts++;
          this.toolCalls++;
          this.texts.push(part.id, part.name, part.arguments);
          this.addOpaque(part.signature);
          break;
        case 'tool-result':
          this.parts++;
          this.toolResults++;
          this.texts.push(part.toolCallId);
          if (part.toolName !== undefined) {
            this.texts.push(part.toolName);
          }
          for (const inner of part.content) {
            if (inner.type === 'text') {
              this.addTextParts([inner]);
            } else {
              this.addImage();
            }
          }
          break;
        case 'image':
          this.addImage();
          break;
        case 'file':
          this.addFile(part);
          break;
      }
    }
  }
}

/**
 * Walks a request once and sorts what it holds for token counting. Everything a provider could
 * place in the prompt is included (tool definitions, a JSON-schema response format, tool-call ids,
 * reasoning and its signatures); nothing that stays out of it is (stop sequences, metadata, user).
 * Pure; allocates only the text list (strings are shared, not copied) and one JSON rendering per
 * schema. Throws nothing.
 */
export function inventoryRequest(request: ChatRequest): RequestTokenInventory {
  const builder = new InventoryBuilder();
  if (request.system.length > 0) {
    builder.addMessage(request.system.length);
    builder.addTextParts(request.system);
  }
  for (const tool of request.tools) {
    builder.tools++;
    builder.addSchema(tool.name, tool.description, tool.parameters);
  }
  const format = request.responseFormat;
  if (format?.type === 'json-schema') {
    builder.addSchema(format.name, format.description, format.schema);
  }
  for (const message of request.messages) {
    builder.addConversationMessage(message);
  }
  return {
    texts: builder.texts,
    schemaLayoutBytes: builder.schemaLayoutBytes,
    opaqueBytes: builder.opaqueBytes,
    messages: builder.messages,
    parts: builder.parts,
    extraParts: builder.extraParts,
    tools: builder.tools,
    toolCalls: builder.toolCalls,
    toolResults: builder.toolResults,
    images: builder.images,
    textFiles: builder.textFiles,
    textFileBytes: builder.textFileBytes,
    uncountableParts: builder.uncountableParts,
    responseFormat: format?.type ?? 'text',
  };
}
