/**
 * Deterministic JSON for audit payloads, following RFC 8785 (JSON Canonicalization Scheme):
 *
 * - object members sorted by key, comparing UTF-16 code units (JavaScript's default string
 *   order), no whitespace anywhere;
 * - strings as `JSON.stringify` writes them (RFC 8785 §3.2.2.2 uses the same escapes); a lone
 *   surrogate is refused, since it has no UTF-8 form;
 * - numbers as ECMAScript writes them (`String(n)`, RFC 8785 §3.2.2.3): `1`, `1.5`, `1e+21`;
 *   `-0` is written `0`; `NaN` and the infinities are refused. Numbers stay numbers: nothing is
 *   turned into a string, and no string into a number.
 * - `true`, `false`, `null`, arrays in their order.
 *
 * Anything else (`undefined`, functions, symbols, bigints, class instances such as `Date` or
 * `Map`, cycles) is refused with a `TypeError`, so that a payload has exactly one byte form.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

const loneSurrogate =
  /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF]))|(?:(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;

function writeString(text: string): string {
  if (loneSurrogate.test(text)) {
    throw new TypeError('audit payload strings must be well-formed UTF-16 (a lone surrogate)');
  }
  return JSON.stringify(text);
}

function write(value: unknown, path: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return writeString(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError('audit payload numbers must be finite');
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`audit payloads cannot hold a ${typeof value}`);
  }
  if (path.has(value)) throw new TypeError('audit payloads cannot be cyclic');
  path.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown) => write(item, path)).join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new TypeError('audit payloads hold only plain objects, arrays and primitives');
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${writeString(key)}:${write(record[key], path)}`).join(',')}}`;
  } finally {
    path.delete(value);
  }
}
