import type { ChatResponse } from '../../canonical/chat-response.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';

/** A cached answer: what the client got, which model produced it, and what it cost then. */
export interface CacheEntry {
  readonly answer: ChatResponse;
  /** `<provider>/<model>` that produced the answer (entries are stored under it). */
  readonly target: string;
  readonly deployment: string;
  readonly createdAt: number;
  /** What the answer cost when it was produced, in nano-dollars; what a hit saves. */
  readonly costNanos: number | undefined;
}

const formatVersion = 1;

export function serialiseCacheEntry(entry: CacheEntry): string {
  return JSON.stringify({ v: formatVersion, ...entry });
}

/**
 * The entry in `text`, or undefined when it is not one this version wrote (a damaged row or an
 * older format is a miss, never an error).
 */
export function parseCacheEntry(text: string): CacheEntry | undefined {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value) || parsed.value.v !== formatVersion) {
    return undefined;
  }
  const value = parsed.value;
  const answer = value.answer;
  if (
    !isJsonObject(answer) ||
    !Array.isArray(answer.choices) ||
    typeof value.target !== 'string' ||
    typeof value.deployment !== 'string' ||
    typeof value.createdAt !== 'number'
  ) {
    return undefined;
  }
  return {
    answer: answer as unknown as ChatResponse,
    target: value.target,
    deployment: value.deployment,
    createdAt: value.createdAt,
    costNanos: typeof value.costNanos === 'number' ? value.costNanos : undefined,
  };
}
