import type { DialectId } from '../canonical/dialect-id.ts';
import { anthropicMessagesCodec } from './anthropic-messages/anthropic-messages-codec.ts';
import { bedrockConverseCodec } from './bedrock-converse/bedrock-converse-codec.ts';
import { cohereChatCodec } from './cohere-chat/cohere-chat-codec.ts';
import type { DialectCodec } from './dialect-codec.ts';
import { geminiGenerateContentCodec } from './gemini-generate-content/gemini-generate-content-codec.ts';
import { mistralChatCodec } from './mistral-chat/mistral-chat-codec.ts';
import { openAiChatCodec } from './openai-chat/openai-chat-codec.ts';
import { openAiResponsesCodec } from './openai-responses/openai-responses-codec.ts';

const codecs: Partial<Readonly<Record<DialectId, DialectCodec>>> = {
  'openai-chat': openAiChatCodec,
  'anthropic-messages': anthropicMessagesCodec,
  'bedrock-converse': bedrockConverseCodec,
  'cohere-chat': cohereChatCodec,
  'gemini-generate-content': geminiGenerateContentCodec,
  'mistral-chat': mistralChatCodec,
  'openai-responses': openAiResponsesCodec,
};

/** The codec of a dialect. Throws for a dialect without one (configuration validation rules that out). */
export function getDialectCodec(id: DialectId): DialectCodec {
  const codec = codecs[id];
  if (codec === undefined) {
    throw new Error(`no codec for dialect ${id}`);
  }
  return codec;
}
