import { maxRetryAfterSeconds, parseRetryAfter } from './parse-retry-after.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `6m0s`, `1.5s`, `120ms`, `1h2m` (the rate-limit reset durations OpenAI-style APIs send) in seconds. */
export function parseResetDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text.trim()) {
    return undefined;
  }
  const unit: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  return parts.reduce((sum, part) => sum + Number(part[1]) * (unit[part[2] ?? 's'] ?? 0), 0);
}

function clamp(seconds: number): number {
  return Math.min(Math.max(0, Math.ceil(seconds)), maxRetryAfterSeconds);
}

/**
 * How long a provider asks the client to wait, in whole seconds: `Retry-After`, else
 * `retry-after-ms` (OpenAI, Azure), else the reset time of an exhausted OpenAI-style rate limit
 * (`x-ratelimit-reset-requests` when `x-ratelimit-remaining-requests` is 0, likewise for tokens).
 * Undefined when none says. Clamped to [0, 3600].
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 */
export function readRetryHint(headers: Headers, nowMs: number): number | undefined {
  const retryAfter = parseRetryAfter(headers['retry-after'], nowMs);
  if (retryAfter !== undefined) {
    return retryAfter;
  }
  const milliseconds = first(headers['retry-after-ms']);
  if (milliseconds !== undefined && /^\d{1,10}(\.\d+)?$/.test(milliseconds.trim())) {
    return clamp(Number(milliseconds) / 1000);
  }
  for (const limit of ['requests', 'tokens']) {
    const remaining = first(headers[`x-ratelimit-remaining-${limit}`]);
    const reset = first(headers[`x-ratelimit-reset-${limit}`]);
    if (remaining?.trim() === '0' && reset !== undefined) {
      const seconds = parseResetDuration(reset);
      if (seconds !== undefined) {
        return clamp(seconds);
      }
    }
  }
  return undefined;
}
