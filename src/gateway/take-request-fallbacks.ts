import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { findJsonObjectMembers, replaceJsonObjectMembers } from '../lib/json-object-members.ts';
import type { JsonObject } from '../lib/json.ts';

/** A request names at most this many fallback models. */
const maximumFallbacks = 8;

/** The request without its fallback list, and the list. */
export interface RequestFallbacks {
  readonly envelope: ModelRequestEnvelope;
  /** Model names to try, in order, after the requested model; without duplicates. */
  readonly models: readonly string[];
}

/**
 * Takes the request's own fallback list, `models: [...]` as OpenRouter clients send it (with
 * `route: "fallback"`, which older clients add), out of the body: providers would reject the
 * unknown field. The names are configured models (each still checked against the key's allowed
 * models); they never name a destination. Returns the envelope unchanged when there is no list.
 * Throws `GatewayError` (400) for a malformed list.
 */
export function takeRequestFallbacks(envelope: ModelRequestEnvelope): RequestFallbacks {
  const value = envelope.body.value;
  if (!Object.hasOwn(value, 'models')) {
    return { envelope, models: [] };
  }
  const list = value.models;
  if (
    !Array.isArray(list) ||
    list.length > maximumFallbacks ||
    !list.every((name) => typeof name === 'string' && name.length > 0 && name.length <= 256)
  ) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'models',
      detail: `\`models\` must be a list of at most ${maximumFallbacks} model names.`,
    });
  }
  const removed = new Map<string, string | undefined>([['models', undefined]]);
  if (value.route === 'fallback') {
    removed.set('route', undefined);
  }
  const text = replaceJsonObjectMembers(envelope.body.text, envelope.body.members, removed);
  // Not `rest[key] = member`: a `__proto__` member would set the prototype instead of a field.
  const rest: JsonObject = Object.fromEntries(
    Object.entries(value).filter(([key]) => !removed.has(key)),
  );
  const models = [...new Set(list as string[])].filter((name) => name !== envelope.model);
  return {
    envelope: {
      ...envelope,
      body: { text, value: rest, members: findJsonObjectMembers(text) },
    },
    models,
  };
}
