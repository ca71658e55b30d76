import type { DialectId } from '../canonical/dialect-id.ts';
import type { DialectCodec } from './dialect-codec.ts';
import { openAiChatCodec } from './openai-chat/openai-chat-codec.ts';

const codecs: Readonly<Record<DialectId, DialectCodec>> = {
  'openai-chat': openAiChatCodec,
};

/** The codec of a dialect. */
export function getDialectCodec(id: DialectId): DialectCodec {
  return codecs[id];
}
