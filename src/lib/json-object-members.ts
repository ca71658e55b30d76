import { safeParseJson } from './json.ts';

/** One top-level member of a JSON object, located in the original text. */
export interface JsonMemberSpan {
  /** The decoded key (escape sequences resolved, so `"mod\u0065l"` reads as `model`). */
  readonly key: string;
  /** Offset of the key's opening quote. */
  readonly keyStart: number;
  /** Offset of the value's first character. */
  readonly valueStart: number;
  /** Offset just past the value's last character. */
  readonly valueEnd: number;
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;
const colon = 0x3a;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(text: string, offset: number): number {
  let index = offset;
  while (index < text.length && isWhitespace(text.charCodeAt(index))) {
    index += 1;
  }
  return index;
}

/** Returns the offset just past the closing quote of the string that opens at `offset`. */
function skipString(text: string, offset: number): number {
  let index = offset + 1;
  for (;;) {
    const next = text.indexOf('"', index);
    if (next === -1) {
      throw new SyntaxError('unterminated string');
    }
    let backslashes = 0;
    let back = next - 1;
    while (back > offset && text.charCodeAt(back) === backslash) {
      backslashes += 1;
      back -= 1;
    }
    if (backslashes % 2 === 0) {
      return next + 1;
    }
    index = next + 1;
  }
}

/** Returns the offset just past the JSON value that starts at `offset`. */
function skipValue(text: string, offset: number): number {
  const first = text.charCodeAt(offset);
  if (first === quote) {
    return skipString(text, offset);
  }
  if (first === openBrace || first === openBracket) {
    let depth = 0;
    let index = offset;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === quote) {
        index = skipString(text, index);
        continue;
      }
      if (code === openBrace || code === openBracket) {
        depth += 1;
      } else if (code === closeBrace || code === closeBracket) {
        depth -= 1;
        if (depth === 0) {
          return index + 1;
        }
      }
      index += 1;
    }
    throw new SyntaxError('unterminated container');
  }
  let index = offset;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === comma || code === closeBrace || code === closeBracket || isWhitespace(code)) {
      break;
    }
    index += 1;
  }
  return index;
}

/**
 * Locates the top-level members of a JSON object without building its value. The input must already
 * be known to be valid JSON whose root is an object (parse it first); the result is then exact.
 * Pure; throws `SyntaxError` only if that precondition is broken.
 */
export function findJsonObjectMembers(text: string): JsonMemberSpan[] {
  const members: JsonMemberSpan[] = [];
  let index = skipWhitespace(text, 0);
  if (text.charCodeAt(index) !== openBrace) {
    throw new SyntaxError('root is not an object');
  }
  index = skipWhitespace(text, index + 1);
  if (text.charCodeAt(index) === closeBrace) {
    return members;
  }
  for (;;) {
    const keyStart = index;
    const keyEnd = skipString(text, keyStart);
    const rawKey = text.slice(keyStart + 1, keyEnd - 1);
    let key = rawKey;
    if (rawKey.includes('\\')) {
      const decoded = safeParseJson(text.slice(keyStart, keyEnd));
      key = decoded.ok && typeof decoded.value === 'string' ? decoded.value : rawKey;
    }
    index = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(index) !== colon) {
      throw new SyntaxError('expected a colon');
    }
    const valueStart = skipWhitespace(text, index + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, keyStart, valueStart, valueEnd });
    index = skipWhitespace(text, valueEnd);
    const separator = text.charCodeAt(index);
    if (separator === closeBrace) {
      return members;
    }
    if (separator !== comma) {
      throw new SyntaxError('expected a comma');
    }
    index = skipWhitespace(text, index + 1);
  }
}

/**
 * Rewrites a JSON object's text with some top-level members replaced, added or removed, leaving
 * every other member's bytes as they were: unknown fields, number spellings and key order survive
 * untouched. `values` maps a key to its new value already serialised as JSON, or to `undefined` to
 * remove the member. Every occurrence of a duplicated key is changed (a parser keeps the last one,
 * so all must agree). Keys not present are appended at the end. Pure.
 */
export function replaceJsonObjectMembers(
  text: string,
  members: readonly JsonMemberSpan[],
  values: ReadonlyMap<string, string | undefined>,
): string {
  let removes = false;
  for (const value of values.values()) {
    if (value === undefined) {
      removes = true;
      break;
    }
  }
  return removes ? rebuildMembers(text, members, values) : spliceMembers(text, members, values);
}

/** Replaces values in place, so whitespace between members survives too. */
function spliceMembers(
  text: string,
  members: readonly JsonMemberSpan[],
  values: ReadonlyMap<string, string | undefined>,
): string {
  let output = '';
  let cursor = 0;
  const replaced = new Set<string>();
  for (const member of members) {
    const value = values.get(member.key);
    if (value === undefined) {
      continue;
    }
    output += text.slice(cursor, member.valueStart) + value;
    cursor = member.valueEnd;
    replaced.add(member.key);
  }
  const closing = text.lastIndexOf('}');
  output += text.slice(cursor, closing);
  const additions = appendedMembers(values, replaced);
  if (additions.length > 0) {
    output = output.trimEnd();
    output += members.length > 0 ? `,${additions}` : additions;
  }
  return output + text.slice(closing);
}

/** Writes the object anew from its members' own text (whitespace between members is not kept). */
function rebuildMembers(
  text: string,
  members: readonly JsonMemberSpan[],
  values: ReadonlyMap<string, string | undefined>,
): string {
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const member of members) {
    seen.add(member.key);
    if (!values.has(member.key)) {
      kept.push(text.slice(member.keyStart, member.valueEnd));
      continue;
    }
    const value = values.get(member.key);
    if (value !== undefined) {
      kept.push(`${text.slice(member.keyStart, member.valueStart)}${value}`);
    }
  }
  const additions = appendedMembers(values, seen);
  if (additions.length > 0) {
    kept.push(additions);
  }
  return `{${kept.join(',')}}`;
}

function appendedMembers(
  values: ReadonlyMap<string, string | undefined>,
  present: ReadonlySet<string>,
): string {
  const additions: string[] = [];
  for (const [key, value] of values) {
    if (value !== undefined && !present.has(key)) {
      additions.push(`${JSON.stringify(key)}:${value}`);
    }
  }
  return additions.join(',');
}
