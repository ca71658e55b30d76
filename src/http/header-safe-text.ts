/**
 * Text that may go into an HTTP response header value: printable ASCII is kept, every other
 * character (non-ASCII letters, control characters, a lone surrogate) is percent-encoded as its
 * UTF-8 bytes (a lone surrogate as U+FFFD). Needed for values that can hold a client's model name
 * (a provider with `allow_any_model` takes any name): Node refuses a header with a character
 * outside Latin-1 by throwing from `writeHead`, which left the request unanswered. Pure.
 */
export function headerSafeText(text: string): string {
  return text.replace(/[^\x20-\x7e]|%/gu, (character) =>
    Array.from(
      Buffer.from(character, 'utf8'),
      (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  );
}
