import { isJsonObject } from '../../lib/json.ts';

type Segment = string | number;

interface OpenContainer {
  readonly segment: Segment | undefined;
  readonly array: boolean;
  /** Members written so far (array slots, including `null` fillers). */
  count: number;
  readonly keys: Set<string>;
}

/** What one batch of `partialArgs` added to the arguments text. */
export interface PartialArgumentsStep {
  readonly delta: string;
  /** Set when a fragment cannot be placed; the text written so far stays valid as a prefix. */
  readonly error: string | undefined;
}

function readQuoted(path: string, start: number): { key: string; end: number } | undefined {
  const quote = path[start];
  let key = '';
  for (let index = start + 1; index < path.length; index += 1) {
    const character = path[index];
    if (character === '\\' && index + 1 < path.length) {
      key += path[index + 1] ?? '';
      index += 1;
    } else if (character === quote) {
      return path[index + 1] === ']' ? { key, end: index + 2 } : undefined;
    } else {
      key += character ?? '';
    }
  }
  return undefined;
}

/**
 * The segments of a JSONPath as Vertex AI writes them in `partialArgs` (`$.a.b[0]`, `$['a b']`).
 * Undefined for anything else, including the bare root. Pure.
 */
export function parseGeminiJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) {
    return undefined;
  }
  const segments: Segment[] = [];
  let index = 1;
  while (index < path.length) {
    const character = path[index];
    if (character === '.') {
      let end = index + 1;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
      if (end === index + 1) return undefined;
      segments.push(path.slice(index + 1, end));
      index = end;
    } else if (character === '[') {
      const next = path[index + 1];
      if (next === "'" || next === '"') {
        const quoted = readQuoted(path, index + 1);
        if (quoted === undefined) return undefined;
        segments.push(quoted.key);
        index = quoted.end;
      } else {
        const close = path.indexOf(']', index);
        const digits = close === -1 ? '' : path.slice(index + 1, close);
        if (!/^\d{1,9}$/.test(digits)) return undefined;
        segments.push(Number(digits));
        index = close + 1;
      }
    } else {
      return undefined;
    }
  }
  return segments.length > 0 ? segments : undefined;
}

function valueJson(fragment: Record<string, unknown>): string | undefined {
  if (typeof fragment.stringValue === 'string') return JSON.stringify(fragment.stringValue);
  if (typeof fragment.numberValue === 'number') {
    return Number.isFinite(fragment.numberValue) ? JSON.stringify(fragment.numberValue) : 'null';
  }
  if (typeof fragment.boolValue === 'boolean') return fragment.boolValue ? 'true' : 'false';
  if ('nullValue' in fragment) return 'null';
  return undefined;
}

/**
 * Rebuilds a function call's arguments as JSON text from Vertex AI's streamed `partialArgs`
 * (each a JSONPath and a value; strings may arrive in pieces, `willContinue` marking all but the
 * last), so argument text can be forwarded as it arrives. The deltas concatenate, with `finish()`,
 * into one JSON object. Fragments must come in document order, as the model writes them; one that
 * would reopen a finished member is reported as an error rather than written. Not re-entrant.
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#PartialArg
 */
export class GeminiPartialArgumentsWriter {
  readonly #stack: OpenContainer[] = [];
  /** The path (as JSON) of a string whose closing quote is not written yet. */
  #openString: string | undefined;

  push(fragments: readonly unknown[]): PartialArgumentsStep {
    let delta = '';
    for (const fragment of fragments) {
      if (!isJsonObject(fragment) || typeof fragment.jsonPath !== 'string') {
        return { delta, error: 'a partial argument has no jsonPath' };
      }
      const segments = parseGeminiJsonPath(fragment.jsonPath);
      if (segments === undefined) {
        return { delta, error: `unreadable jsonPath ${JSON.stringify(fragment.jsonPath)}` };
      }
      const pathKey = JSON.stringify(segments);
      const continues = fragment.willContinue === true;
      if (this.#openString === pathKey && typeof fragment.stringValue === 'string') {
        delta += JSON.stringify(fragment.stringValue).slice(1, -1);
        if (!continues) {
          delta += '"';
          this.#openString = undefined;
        }
        continue;
      }
      const json = valueJson(fragment);
      if (json === undefined) {
        continue;
      }
      if (this.#openString !== undefined) {
        delta += '"';
        this.#openString = undefined;
      }
      const placed = this.#navigate(segments);
      if (placed === undefined) {
        return { delta, error: `partial argument ${fragment.jsonPath} is out of document order` };
      }
      delta += placed;
      if (typeof fragment.stringValue === 'string' && continues) {
        delta += json.slice(0, -1);
        this.#openString = pathKey;
      } else {
        delta += json;
      }
    }
    return { delta, error: undefined };
  }

  /** The text that closes the arguments (`{}` when no fragment arrived). */
  finish(): string {
    if (this.#stack.length === 0) {
      return '{}';
    }
    let closing = this.#openString === undefined ? '' : '"';
    this.#openString = undefined;
    while (this.#stack.length > 0) {
      closing += this.#stack.pop()?.array === true ? ']' : '}';
    }
    return closing;
  }

  /** Text that closes and opens containers down to the leaf's slot, or undefined if illegal. */
  #navigate(segments: readonly Segment[]): string | undefined {
    let text = '';
    if (this.#stack.length === 0) {
      this.#stack.push({ segment: undefined, array: false, count: 0, keys: new Set() });
      text += '{';
    }
    const containerPath = segments.slice(0, -1);
    let depth = 1;
    while (
      depth < this.#stack.length &&
      depth - 1 < containerPath.length &&
      this.#stack[depth]?.segment === containerPath[depth - 1]
    ) {
      depth += 1;
    }
    while (this.#stack.length > depth) {
      text += this.#stack.pop()?.array === true ? ']' : '}';
    }
    for (let index = depth - 1; index < segments.length; index += 1) {
      const segment = segments[index];
      const parent = this.#stack[this.#stack.length - 1];
      const entry =
        segment === undefined || parent === undefined ? undefined : enter(parent, segment);
      if (segment === undefined || entry === undefined) {
        return undefined;
      }
      text += entry;
      if (index < segments.length - 1) {
        const array = typeof segments[index + 1] === 'number';
        this.#stack.push({ segment, array, count: 0, keys: new Set() });
        text += array ? '[' : '{';
      }
    }
    return text;
  }
}

/** The separator, key or `null` fillers that place a new member in a container. */
function enter(container: OpenContainer, segment: Segment): string | undefined {
  if (container.array) {
    if (typeof segment !== 'number' || segment < container.count) {
      return undefined;
    }
    let text = '';
    while (container.count < segment) {
      text += container.count > 0 ? ',null' : 'null';
      container.count += 1;
    }
    text += container.count > 0 ? ',' : '';
    container.count += 1;
    return text;
  }
  if (typeof segment !== 'string' || container.keys.has(segment)) {
    return undefined;
  }
  const text = `${container.count > 0 ? ',' : ''}${JSON.stringify(segment)}:`;
  container.keys.add(segment);
  container.count += 1;
  return text;
}
