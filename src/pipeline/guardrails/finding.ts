/**
 * One detected occurrence of a data class. Offsets are UTF-16 code-unit indices into the text the
 * caller passed in (the original, not the normalised form): `text.slice(start, end)` is the
 * occurrence. A finding never carries the matched value, so it is safe to log.
 */
export interface Finding {
  /** The data class id, e.g. `email`, `secret`, or an operator-defined class. */
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** A finer label where the class has one, e.g. `openai_api_key` for `secret`. */
  readonly kind?: string;
}
