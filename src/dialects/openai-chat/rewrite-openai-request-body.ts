import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { replaceJsonObjectMembers } from '../../lib/json-object-members.ts';
import { isJsonObject } from '../../lib/json.ts';

export interface RewriteOptions {
  /** The provider's name for the model; replaces the client's `model`. */
  readonly upstreamModel: string;
  /** Ask the provider for a final usage chunk (`stream_options.include_usage`). */
  readonly requestStreamUsage: boolean;
}

/**
 * Builds the upstream body for a same-dialect (OpenAI to OpenAI-compatible) request from the
 * client's original text: only `model` and, on streams, `stream_options.include_usage` change;
 * every other byte (unknown and future fields included) is forwarded as sent. Pure.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function rewriteOpenAiRequestBody(
  envelope: ModelRequestEnvelope,
  options: RewriteOptions,
): string {
  const values = new Map<string, string>([['model', JSON.stringify(options.upstreamModel)]]);
  if (envelope.stream && options.requestStreamUsage && !envelope.clientWantsStreamUsage) {
    const current = envelope.body.value.stream_options;
    const streamOptions = isJsonObject(current)
      ? { ...current, include_usage: true }
      : { include_usage: true };
    values.set('stream_options', JSON.stringify(streamOptions));
  }
  return replaceJsonObjectMembers(envelope.body.text, envelope.body.members, values);
}
