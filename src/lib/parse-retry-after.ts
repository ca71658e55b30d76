/** The longest wait the gateway will pass on or honour, whatever an upstream asks for. */
export const maxRetryAfterSeconds = 3600;

/**
 * Reads a `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns whole
 * seconds from `nowMs`, clamped to [0, 3600]; undefined for a missing or unreadable value.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  nowMs: number,
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) {
    return undefined;
  }
  const trimmed = text.trim();
  if (/^\d{1,10}$/.test(trimmed)) {
    return Math.min(Number(trimmed), maxRetryAfterSeconds);
  }
  if (!/^[A-Za-z]{3},? /.test(trimmed)) {
    return undefined;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.min(Math.max(0, Math.ceil((date - nowMs) / 1000)), maxRetryAfterSeconds);
}
