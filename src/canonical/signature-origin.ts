import type { ChatMessage } from './chat-message.ts';
import type { ChatRequest } from './chat-request.ts';
import type { ChatResponse } from './chat-response.ts';
import type { ChatStreamEvent } from './chat-stream-event.ts';
import type { AssistantContentPart } from './content-part.ts';
import type { DialectId } from './dialect-id.ts';

/**
 * Reasoning signatures and encrypted reasoning (Anthropic thinking signatures, Gemini thought
 * signatures, OpenAI encrypted reasoning) are only valid at the provider family that made them.
 * Inside the gateway they carry their origin: `sbx1.<dialect>.<value>`. A translated answer gives
 * the client the tagged text, which comes back tagged on the next turn; a value without a tag is
 * the client's own dialect's (it reached the client by pass-through).
 */
const tagPattern = /^sbx1\.([a-z-]+)\.(.*)$/s;

/** A value tagged with the dialect that made it (left as it is when already tagged). */
export function tagSignature(dialect: DialectId, value: string): string {
  return tagPattern.test(value) ? value : `sbx1.${dialect}.${value}`;
}

/** The raw value for a provider of `dialect`, or undefined when another dialect made it. */
export function signatureFor(dialect: DialectId, value: string): string | undefined {
  const match = tagPattern.exec(value);
  if (match === null) {
    return value;
  }
  return match[1] === dialect ? match[2] : undefined;
}

type SignatureMap = (value: string) => string | undefined;

function mapPart(part: AssistantContentPart, map: SignatureMap): AssistantContentPart | undefined {
  switch (part.type) {
    case 'reasoning':
    case 'tool-call': {
      if (part.signature === undefined) return part;
      const signature = map(part.signature);
      return signature === part.signature ? part : { ...part, signature };
    }
    case 'redacted-reasoning': {
      const data = map(part.data);
      return data === undefined ? undefined : { ...part, data };
    }
    default:
      return part;
  }
}

function mapParts(
  parts: readonly AssistantContentPart[],
  map: SignatureMap,
): AssistantContentPart[] {
  return parts.flatMap((part) => {
    const mapped = mapPart(part, map);
    return mapped === undefined ? [] : [mapped];
  });
}

function mapMessage(message: ChatMessage, map: SignatureMap): ChatMessage {
  return message.role === 'assistant'
    ? { role: 'assistant', content: mapParts(message.content, map) }
    : message;
}

/**
 * A request whose signatures are tagged with the client's dialect where they carry no tag yet
 * (the client's own provider family made them).
 */
export function tagRequestSignatures(request: ChatRequest, clientDialect: DialectId): ChatRequest {
  if (!request.messages.some((message) => message.role === 'assistant')) {
    return request;
  }
  const map = (value: string): string => tagSignature(clientDialect, value);
  return { ...request, messages: request.messages.map((message) => mapMessage(message, map)) };
}

/**
 * A request ready for a provider of `dialect`: its own signatures untagged, every other
 * provider's left out (a reasoning part or tool call keeps its content, unsigned; encrypted
 * reasoning from elsewhere is dropped).
 */
export function localizeRequestSignatures(request: ChatRequest, dialect: DialectId): ChatRequest {
  if (!request.messages.some((message) => message.role === 'assistant')) {
    return request;
  }
  const map = (value: string): string | undefined => signatureFor(dialect, value);
  return { ...request, messages: request.messages.map((message) => mapMessage(message, map)) };
}

/** An answer decoded from a provider of `dialect`, its signatures tagged with that origin. */
export function tagResponseSignatures(response: ChatResponse, dialect: DialectId): ChatResponse {
  const map = (value: string): string => tagSignature(dialect, value);
  return {
    ...response,
    choices: response.choices.map((choice) => ({
      ...choice,
      content: mapParts(choice.content, map),
    })),
  };
}

/** A stream event decoded from a provider of `dialect`, its signature tagged with that origin. */
export function tagEventSignature(event: ChatStreamEvent, dialect: DialectId): ChatStreamEvent {
  switch (event.type) {
    case 'reasoning-start':
      return event.redactedData === undefined
        ? event
        : { ...event, redactedData: tagSignature(dialect, event.redactedData) };
    case 'reasoning-end':
    case 'tool-call-start':
      return event.signature === undefined
        ? event
        : { ...event, signature: tagSignature(dialect, event.signature) };
    default:
      return event;
  }
}
