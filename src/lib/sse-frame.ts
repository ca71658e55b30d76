/**
 * One Server-Sent Events frame as parsed from the wire (WHATWG HTML, "Parsing an event stream").
 * A `comment` frame is a line starting with a colon (often a keep-alive); an `event` frame is a
 * dispatched event whose `data` lines were joined with `\n`.
 */
export type SseFrame =
  | {
      readonly kind: 'event';
      /** The `event:` field, or undefined for the default `message` type. */
      readonly event: string | undefined;
      readonly data: string;
      readonly id: string | undefined;
    }
  | { readonly kind: 'comment'; readonly text: string };

/**
 * Serialises one event for the wire. Multi-line data becomes several `data:` lines, as the format
 * requires; the result always ends with the blank line that dispatches the event.
 */
export function encodeSseEvent(data: string, event?: string): string {
  const head = event === undefined ? '' : `event: ${event}\n`;
  if (!data.includes('\n') && !data.includes('\r')) {
    return `${head}data: ${data}\n\n`;
  }
  const lines = data.split(/\r\n|\r|\n/);
  return `${head}${lines.map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/** Serialises a comment line (ignored by clients; used for keep-alives). */
export function encodeSseComment(text: string): string {
  return `:${text}\n\n`;
}
