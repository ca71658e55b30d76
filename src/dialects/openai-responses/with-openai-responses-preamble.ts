import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { JsonObject } from '../../lib/json.ts';

/**
 * An OpenAI Responses body with the gateway's preamble first: its system texts joined (blank
 * line between) before the client's `instructions`, its turns as message items before the
 * client's `input` (a string input becomes one user message after them). Pure; fields of the
 * wrong type are left for the decoder to refuse.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-instructions
 */
export function withOpenAiResponsesPreamble(
  body: Readonly<JsonObject>,
  preamble: RequestPreamble,
): JsonObject {
  const result: JsonObject = { ...body };
  if (preamble.system.length > 0) {
    const instructions = body.instructions;
    if (instructions === undefined || instructions === null || typeof instructions === 'string') {
      result.instructions = [
        ...preamble.system,
        ...(typeof instructions === 'string' && instructions !== '' ? [instructions] : []),
      ].join('\n\n');
    }
  }
  if (preamble.messages.length > 0) {
    const turns = preamble.messages.map((message) => ({
      type: 'message',
      role: message.role,
      content: message.content,
    }));
    const input = body.input;
    if (input === undefined) result.input = turns;
    else if (typeof input === 'string') {
      result.input = [...turns, { type: 'message', role: 'user', content: input }];
    } else if (Array.isArray(input)) result.input = [...turns, ...(input as unknown[])];
  }
  return result;
}
