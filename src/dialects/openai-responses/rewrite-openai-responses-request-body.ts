import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { replaceJsonObjectMembers } from '../../lib/json-object-members.ts';
import { capOutputLimit } from '../cap-output-limit.ts';
import type { EgressOptions } from '../dialect-codec.ts';

/**
 * Builds the upstream body for a Responses client's request to an OpenAI Responses provider from
 * the client's original text: only `model` changes (replaced, or removed where the URL names the
 * model), the output limit is lowered to the gateway's cap when one applies, and fields the provider variant requires are set; every other byte is forwarded as
 * sent, stateful fields (`previous_response_id`, `conversation`, `store`, `background`) included,
 * since the provider keeps that state itself. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function rewriteOpenAiResponsesRequestBody(
  envelope: ModelRequestEnvelope,
  options: EgressOptions,
): string {
  const values = new Map<string, string | undefined>([
    ['model', options.modelInBody ? JSON.stringify(options.upstreamModel) : undefined],
  ]);
  const capped = capOutputLimit(
    envelope.body.value,
    ['max_output_tokens'],
    'max_output_tokens',
    options.outputTokenCap,
  );
  if (capped !== undefined) values.set(...capped);
  for (const [key, value] of Object.entries(options.bodyFields)) {
    values.set(key, JSON.stringify(value));
  }
  return replaceJsonObjectMembers(envelope.body.text, envelope.body.members, values);
}
