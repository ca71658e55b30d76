import type { JsonObject } from '../lib/json.ts';

/**
 * The member that lowers a client's output limit to the gateway's cap (a budget paid for no
 * more), for a body forwarded as the client wrote it: `[field, JSON value]`, or undefined when
 * there is no cap or the client's own limit is already within it. The client's field is kept
 * when it used one of `fields`; otherwise `defaultField` is added. Pure.
 */
export function capOutputLimit(
  body: Readonly<JsonObject>,
  fields: readonly string[],
  defaultField: string,
  cap: number | undefined,
): readonly [string, string] | undefined {
  if (cap === undefined) return undefined;
  const field = fields.find((name) => body[name] !== undefined && body[name] !== null);
  const current = field === undefined ? undefined : body[field];
  if (typeof current === 'number' && current <= cap) return undefined;
  return [field ?? defaultField, JSON.stringify(cap)];
}
