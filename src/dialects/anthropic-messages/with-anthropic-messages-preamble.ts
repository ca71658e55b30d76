import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { JsonObject } from '../../lib/json.ts';

/** The client's `system` as text blocks after the preamble's, or undefined to leave it as is. */
function systemBlocks(system: unknown, preamble: RequestPreamble): unknown[] | undefined {
  const added = preamble.system.map((text) => ({ type: 'text', text }));
  if (system === undefined) return added;
  if (typeof system === 'string')
    return system === '' ? added : [...added, { type: 'text', text: system }];
  return Array.isArray(system) ? [...added, ...(system as unknown[])] : undefined;
}

/**
 * An Anthropic Messages body with the gateway's preamble first: its system texts as text blocks
 * before the client's `system` (a string becomes a block, so its `cache_control` neighbours keep
 * their order), its turns before the client's `messages`. Pure; fields of the wrong type are left
 * for the decoder to refuse.
 * @see https://docs.anthropic.com/en/api/messages#body-system
 */
export function withAnthropicMessagesPreamble(
  body: Readonly<JsonObject>,
  preamble: RequestPreamble,
): JsonObject {
  const result: JsonObject = { ...body };
  if (preamble.system.length > 0) {
    const system = systemBlocks(body.system, preamble);
    if (system !== undefined) result.system = system;
  }
  const messages = body.messages ?? [];
  if (preamble.messages.length > 0 && Array.isArray(messages)) {
    result.messages = [
      ...preamble.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(messages as unknown[]),
    ];
  }
  return result;
}
