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
  return write(value, []);
}

/** Text JSON writes as it is between quotes: printable ASCII other than `"` and `\`. */
const plainText = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function writeString(text: string): string {
  if (plainText.test(text)) return `"${text}"`;
  if (!text.isWellFormed()) {
    throw new TypeError('audit payload strings must be well-formed UTF-16 (a lone surrogate)');
  }
  return JSON.stringify(text);
}

/** Most keys sorted by insertion; objects with more go to `Array.prototype.sort`. */
const fewKeys = 16;

/** `keys` in UTF-16 code-unit order, in place (the order of `sort()` without a comparator). */
function sortKeys(keys: string[]): string[] {
  if (keys.length > fewKeys) return keys.sort();
  for (let index = 1; index < keys.length; index += 1) {
    const key = keys[index] ?? '';
    let before = index - 1;
    for (; before >= 0 && (keys[before] ?? '') > key; before -= 1) {
      keys[before + 1] = keys[before] ?? '';
    }
    keys[before + 1] = key;
  }
  return keys;
}

/** Writes `value`; `path` holds the objects being written around it (to refuse cycles). */
function write(value: unknown, path: object[]): string {
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
  if (path.includes(value)) throw new TypeError('audit payloads cannot be cyclic');
  path.push(value);
  const text = Array.isArray(value) ? writeArray(value, path) : writeObject(value, path);
  path.pop();
  return text;
}

function writeArray(items: readonly unknown[], path: object[]): string {
  let text = '[';
  for (let index = 0; index < items.length; index += 1) {
    if (index > 0) text += ',';
    text += write(items[index], path);
  }
  return `${text}]`;
}

function writeObject(value: object, path: object[]): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError('audit payloads hold only plain objects, arrays and primitives');
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  let text = '';
  for (const key of keys) {
    text += `${text === '' ? '{' : ','}${writeString(key)}:${write(record[key], path)}`;
  }
  return text === '' ? '{}' : `${text}}`;
}
