import type { JsonObject } from '../../lib/json.ts';
import type { InjectionSource } from '../guardrails/injection/injection-rules.ts';

/** One string of a request body, where it sits, and whose words it carries. */
export interface RequestString {
  readonly path: readonly (string | number)[];
  readonly text: string;
  /** `tool` for tool results and function outputs (indirect content); `user` otherwise. */
  readonly source: InjectionSource;
}

/** Keys whose string values are protocol, not content. */
const protocolKeys = new Set([
  'model',
  'role',
  'type',
  'id',
  'tool_call_id',
  'call_id',
  'tool_use_id',
  'encoding_format',
  'media_type',
  'reasoning_effort',
  'service_tier',
  'previous_response_id',
  'detail',
  'format',
]);

/** Whether an object is a tool result or function output in any dialect. */
function isToolContent(value: Readonly<JsonObject>): boolean {
  return (
    value.role === 'tool' ||
    value.type === 'tool_result' ||
    value.type === 'function_call_output' ||
    value.type === 'tool-result'
  );
}

/**
 * Every string of a request body that may carry content, in every dialect and field: system
 * prompts, message parts, tool-call arguments, tool results, Responses `input` and
 * `instructions`, unknown fields too (so nothing can hide in a field the gateway does not know).
 * Protocol fields (`model`, `role`, ids) are left out. Strings inside a tool result are marked
 * `tool`. Pure.
 */
export function collectRequestStrings(body: Readonly<JsonObject>): RequestString[] {
  const found: RequestString[] = [];
  const visit = (
    value: unknown,
    path: (string | number)[],
    source: InjectionSource,
    key: string | undefined,
  ): void => {
    if (typeof value === 'string') {
      if (key === undefined || !protocolKeys.has(key)) {
        found.push({ path: [...path], text: value, source });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, [...path, index], source, key);
      });
      return;
    }
    if (value !== null && typeof value === 'object') {
      const object = value as Readonly<JsonObject>;
      const inner = source === 'tool' || isToolContent(object) ? 'tool' : source;
      for (const [name, item] of Object.entries(object)) {
        visit(item, [...path, name], inner, name);
      }
    }
  };
  visit(body, [], 'user', undefined);
  return found;
}

/** A copy of `body` with the strings at the given paths replaced. Pure. */
export function replaceRequestStrings(
  body: Readonly<JsonObject>,
  replacements: ReadonlyMap<
    string,
    { readonly path: readonly (string | number)[]; readonly text: string }
  >,
): JsonObject {
  const copy = structuredClone(body) as JsonObject;
  for (const { path, text } of replacements.values()) {
    let target: unknown = copy;
    for (const segment of path.slice(0, -1)) {
      target = (target as Record<string | number, unknown>)[segment];
    }
    const last = path[path.length - 1];
    if (last !== undefined && target !== null && typeof target === 'object') {
      (target as Record<string | number, unknown>)[last] = text;
    }
  }
  return copy;
}
