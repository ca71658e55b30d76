import { isJsonObject } from '../../lib/json.ts';
import { isCredentialHeaderName } from './credential-header-name.ts';
import type { RuleFacts, RuleFactsInput } from './rule-facts.ts';

/**
 * Caps on what a rule expression can see. They bound the cost of evaluating any accepted
 * expression whatever the client sends: CEL macros iterate over lists and maps, `in` scans them,
 * and string functions are linear in their input.
 */
export const ruleFactLimits = {
  /** Entries kept of each list (`request.tags`, `key.tags`); the first ones win. */
  maxListEntries: 64,
  /** Entries kept of each map (`request.metadata`, `headers`); the first ones win. */
  maxMapEntries: 64,
  /** Characters kept of every string, map key and list entry. */
  maxTextLength: 1024,
} as const;

/**
 * The object handed to CEL for one request: numbers become `bigint` (CEL `int`, whole and
 * clamped to 0…2^53−1; NaN and non-numbers become 0), records become `Map`s (so that keys such as
 * `__proto__` are plain keys), and lists, maps and strings are cut to `ruleFactLimits`. Header
 * names are lower-cased, and credential headers (`isCredentialHeaderName`) are dropped before
 * anything is counted, so no rule can see or test for them. Values of the wrong kind from loosely
 * typed callers become '' / false / empty, or are skipped. Pure; never throws; runs per request,
 * so it copies at most the capped entries and nothing else.
 */
export function toCelContext(input: RuleFactsInput): RuleFacts {
  const request = input.request;
  const key = input.key;
  return {
    request: {
      model: text(request.model),
      operation: text(request.operation),
      dialect: text(request.dialect),
      stream: flag(request.stream),
      tools: flag(request.tools),
      json: flag(request.json),
      images: flag(request.images),
      audio: flag(request.audio),
      files: flag(request.files),
      reasoning: flag(request.reasoning),
      input_tokens: count(request.inputTokens),
      max_tokens: count(request.maxTokens),
      user: text(request.user),
      metadata: stringMap(request.metadata, false),
      region: text(request.region),
      tags: stringList(request.tags),
    },
    headers: stringMap(input.headers, true),
    key: {
      id: text(key.id),
      name: text(key.name),
      team: text(key.team),
      tags: stringList(key.tags),
    },
  };
}

function flag(value: unknown): boolean {
  return value === true;
}

function text(value: unknown): string {
  if (typeof value !== 'string') {
    return '';
  }
  if (value.length <= ruleFactLimits.maxTextLength) {
    return value;
  }
  // Never end on half a surrogate pair: the cut string must stay well-formed text.
  const lastKept = value.charCodeAt(ruleFactLimits.maxTextLength - 1);
  const end =
    lastKept >= 0xd800 && lastKept <= 0xdbff
      ? ruleFactLimits.maxTextLength - 1
      : ruleFactLimits.maxTextLength;
  return value.slice(0, end);
}

function count(value: unknown): bigint {
  if (typeof value === 'bigint') {
    return value < 0n ? 0n : value > maxCount ? maxCount : value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return 0n;
  }
  return BigInt(Math.min(Math.trunc(value), Number.MAX_SAFE_INTEGER));
}

const maxCount = BigInt(Number.MAX_SAFE_INTEGER);

function stringList(value: unknown): string[] {
  const list: string[] = [];
  if (!Array.isArray(value)) {
    return list;
  }
  const end = Math.min(value.length, ruleFactLimits.maxListEntries);
  for (let index = 0; index < end; index += 1) {
    const entry: unknown = value[index];
    if (typeof entry === 'string') {
      list.push(text(entry));
    }
  }
  return list;
}

function stringMap(value: unknown, headers: boolean): Map<string, string> {
  const map = new Map<string, string>();
  if (value instanceof Map) {
    for (const [name, entry] of value as Map<unknown, unknown>) {
      if (addEntry(map, name, entry, headers)) {
        break;
      }
    }
  } else if (isJsonObject(value)) {
    // for…in stops early once the map is full, without first copying every key of a large record.
    for (const name in value) {
      if (Object.hasOwn(value, name) && addEntry(map, name, value[name], headers)) {
        break;
      }
    }
  }
  return map;
}

/** Adds one entry if it qualifies; true when the map is full. */
function addEntry(
  map: Map<string, string>,
  name: unknown,
  entry: unknown,
  headers: boolean,
): boolean {
  if (typeof name !== 'string' || typeof entry !== 'string') {
    return false;
  }
  let mapKey = name;
  if (headers) {
    mapKey = name.toLowerCase();
    // Checked on the whole name, before any cut could remove a `-token` ending.
    if (isCredentialHeaderName(mapKey)) {
      return false;
    }
  }
  mapKey = text(mapKey);
  if (!map.has(mapKey)) {
    map.set(mapKey, text(entry));
  }
  return map.size >= ruleFactLimits.maxMapEntries;
}
