import type { JsonObject } from '../../lib/json.ts';
import { unsafePatternReason } from '../guardrails/safe-pattern.ts';

/** Largest schema validated, as JSON text: far above real structured-output schemas. */
export const maximumSchemaCharacters = 64 * 1024;
/** Deepest nesting of objects and arrays in a schema. */
export const maximumSchemaDepth = 32;

/** Keywords whose values are data, not schemas: a `pattern` member inside them is not a pattern. */
const dataKeywords: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples']);
/** Keywords whose members are named by the schema's author (property names), not keywords. */
const nameMaps: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);

/**
 * Why a client's JSON schema may not be run against answers, or undefined when it may: too large,
 * too deep, or a `pattern` / `patternProperties` key outside the linear-time subset (the client
 * writes the pattern, the model writes the text it runs on). Pure, never throws; the reason names
 * the place in the schema, never an answer.
 */
export function unsafeSchemaReason(schema: Readonly<JsonObject>): string | undefined {
  if (JSON.stringify(schema).length > maximumSchemaCharacters) {
    return `the schema is larger than ${maximumSchemaCharacters} characters`;
  }
  return findUnsafeNode(schema, '#', 1, false);
}

/** The first unsafe place in `node`; `named` when its members are names, not keywords. */
function findUnsafeNode(
  node: unknown,
  path: string,
  depth: number,
  named: boolean,
): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  if (depth > maximumSchemaDepth) {
    return `the schema is nested deeper than ${maximumSchemaDepth} levels (at ${path})`;
  }
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) {
      const found = findUnsafeNode(item, `${path}/${String(index)}`, depth + 1, false);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const members = node as Record<string, unknown>;
  const patterns = named ? [] : schemaPatterns(members, path);
  for (const pattern of patterns) {
    const reason = unsafePatternReason(pattern.source);
    if (reason !== undefined) return `the pattern at ${pattern.at} is not allowed: ${reason}`;
  }
  for (const [key, value] of Object.entries(members)) {
    if (!named && dataKeywords.has(key)) continue;
    const found = findUnsafeNode(value, `${path}/${key}`, depth + 1, !named && nameMaps.has(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The regular expressions a schema object holds: its `pattern`, its `patternProperties` keys. */
function schemaPatterns(
  node: Readonly<Record<string, unknown>>,
  path: string,
): { source: string; at: string }[] {
  return [
    ...(typeof node.pattern === 'string' ? [{ source: node.pattern, at: `${path}/pattern` }] : []),
    ...(node.patternProperties !== null &&
    typeof node.patternProperties === 'object' &&
    !Array.isArray(node.patternProperties)
      ? Object.keys(node.patternProperties).map((source) => ({
          source,
          at: `${path}/patternProperties`,
        }))
      : []),
  ];
}
