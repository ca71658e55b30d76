import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { replaceJsonObjectMembers } from '../../lib/json-object-members.ts';
import { isJsonObject } from '../../lib/json.ts';
import { capOutputLimit } from '../cap-output-limit.ts';
import type { EgressOptions } from '../dialect-codec.ts';

/**
 * Builds the upstream body for a same-dialect (OpenAI to OpenAI-compatible) request from the
 * client's original text: only `model` (replaced, or removed when the URL names the model) and,
 * on streams, `stream_options.include_usage` change, the output limit is lowered to the gateway's cap
 * when one applies, plus any fields the provider variant
 * requires; every other byte (unknown and future fields included) is forwarded as sent. Pure.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function rewriteOpenAiRequestBody(
  envelope: ModelRequestEnvelope,
  options: EgressOptions,
): string {
  const values = new Map<string, string | undefined>([
    ['model', options.modelInBody ? JSON.stringify(options.upstreamModel) : undefined],
  ]);
  if (envelope.stream && options.requestStreamUsage && !envelope.clientWantsStreamUsage) {
    const current = envelope.body.value.stream_options;
    const streamOptions = isJsonObject(current)
      ? { ...current, include_usage: true }
      : { include_usage: true };
    values.set('stream_options', JSON.stringify(streamOptions));
  }
  const capped = capOutputLimit(
    envelope.body.value,
    ['max_completion_tokens', 'max_tokens'],
    options.maxTokensField,
    options.outputTokenCap,
  );
  if (capped !== undefined) values.set(...capped);
  for (const [key, value] of Object.entries(options.bodyFields)) {
    values.set(key, JSON.stringify(value));
  }
  return replaceJsonObjectMembers(envelope.body.text, envelope.body.members, values);
}
