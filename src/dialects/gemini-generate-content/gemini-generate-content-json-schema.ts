import { isJsonObject, type JsonObject } from '../../lib/json.ts';

/** Keywords whose value is one sub-schema. */
const schemaKeywords: ReadonlySet<string> = new Set(['items', 'additionalProperties']);
/** Keywords whose value is a list of sub-schemas. */
const schemaListKeywords: ReadonlySet<string> = new Set(['anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to sub-schemas. */
const schemaMapKeywords: ReadonlySet<string> = new Set(['properties', '$defs']);
const stringKeywords: ReadonlySet<string> = new Set([
  '$id',
  '$anchor',
  'format',
  'title',
  'description',
]);
const numberKeywords: ReadonlySet<string> = new Set(['minItems', 'maxItems', 'minimum', 'maximum']);
const stringListKeywords: ReadonlySet<string> = new Set(['required', 'propertyOrdering']);

/** Deeper than any real tool schema; guards the recursion. */
const maxDepth = 64;

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Draft-07 `definitions` references point into `$defs`, where the definitions are moved. */
function rewriteReference(reference: string): string {
  return reference.startsWith('#/definitions/')
    ? `#/$defs/${reference.slice('#/definitions/'.length)}`
    : reference;
}

function convertMap(value: unknown, depth: number): JsonObject | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const converted: JsonObject = {};
  for (const [name, schema] of Object.entries(value)) {
    converted[name] = convert(schema, depth + 1);
  }
  return converted;
}

/** Normalises spellings Gemini does not read into ones it does, before filtering. */
function normalise(schema: JsonObject): JsonObject {
  const result: JsonObject = { ...schema };
  if (isJsonObject(result.definitions)) {
    result.$defs = { ...result.definitions, ...(isJsonObject(result.$defs) ? result.$defs : {}) };
  }
  if (
    result.const !== undefined &&
    result.enum === undefined &&
    (typeof result.const === 'string' || typeof result.const === 'number')
  ) {
    result.enum = [result.const];
  }
  // A one-member allOf (how generators attach a description to a $ref) means that member.
  if (Array.isArray(result.allOf) && result.allOf.length === 1 && result.anyOf === undefined) {
    result.anyOf = result.allOf;
  }
  // Draft 4-2019 tuple form: `items` as an array.
  if (Array.isArray(result.items) && result.prefixItems === undefined) {
    result.prefixItems = result.items;
    delete result.items;
  }
  return result;
}

function convert(schema: unknown, depth: number): unknown {
  if (typeof schema === 'boolean') {
    return schema;
  }
  if (!isJsonObject(schema) || depth > maxDepth) {
    return {};
  }
  const source = normalise(schema);
  const result: JsonObject = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (keyword === 'type') {
      if (typeof value === 'string' || isStringList(value)) result.type = value;
    } else if (keyword === '$ref') {
      if (typeof value === 'string') result.$ref = rewriteReference(value);
    } else if (keyword === 'enum') {
      // Gemini takes enums of strings and numbers only; a looser schema beats a rejected one.
      if (
        Array.isArray(value) &&
        value.every((item) => typeof item === 'string' || typeof item === 'number')
      ) {
        result.enum = value;
      }
    } else if (stringKeywords.has(keyword)) {
      if (typeof value === 'string') result[keyword] = value;
    } else if (numberKeywords.has(keyword)) {
      if (typeof value === 'number') result[keyword] = value;
    } else if (stringListKeywords.has(keyword)) {
      if (isStringList(value)) result[keyword] = value;
    } else if (schemaKeywords.has(keyword)) {
      result[keyword] = convert(value, depth + 1);
    } else if (schemaListKeywords.has(keyword)) {
      if (Array.isArray(value)) result[keyword] = value.map((item) => convert(item, depth + 1));
    } else if (schemaMapKeywords.has(keyword)) {
      const map = convertMap(value, depth);
      if (map !== undefined) result[keyword] = map;
    }
  }
  return separateReference(result);
}

/**
 * Gemini allows nothing but `$`-keywords beside `$ref`. Other keywords (a description, say) move
 * to a wrapper whose only member is the reference, which means the same.
 */
function separateReference(schema: JsonObject): JsonObject {
  if (schema.$ref === undefined) {
    return schema;
  }
  const reference: JsonObject = {};
  const rest: JsonObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword.startsWith('$')) {
      reference[keyword] = value;
    } else {
      rest[keyword] = value;
    }
  }
  if (Object.keys(rest).length === 0 || rest.anyOf !== undefined) {
    return reference;
  }
  const { $defs, ...target } = reference;
  return { ...($defs === undefined ? {} : { $defs }), anyOf: [target], ...rest };
}

/**
 * A JSON Schema reduced to what Gemini's `parametersJsonSchema` and `responseJsonSchema` accept:
 * `$id`, `$defs`, `$ref`, `$anchor`, `type`, `format`, `title`, `description`, `enum` (strings
 * and numbers), `items`, `prefixItems`, `minItems`, `maxItems`, `minimum`, `maximum`, `anyOf`,
 * `oneOf`, `properties`, `additionalProperties`, `required` and `propertyOrdering`. Other keywords
 * are dropped (the schema gets looser, never stricter); draft-07 `definitions`, `const`, a
 * one-member `allOf` and array-form `items` are rewritten to their supported equivalents, and
 * keywords beside a `$ref` move to an `anyOf` wrapper. Pure; the input is not changed.
 * @see https://ai.google.dev/api/generate-content#FIELDS.response_json_schema
 * @see https://ai.google.dev/api/caching#FunctionDeclaration
 */
export function toGeminiJsonSchema(schema: unknown): JsonObject {
  const converted = convert(schema, 0);
  return isJsonObject(converted) ? converted : {};
}
