/**
 * The most characters joined into one string for the client's socket. V8 allocates a string of
 * more than about 128 KB outside its young generation, one memory mapping each, which cost more
 * than the extra write (a read of 64 KB of Anthropic events becomes about 170 KB of OpenAI
 * chunks). 32,768 characters stay under that limit even for two-byte strings.
 */
export const maxWriteChars = 32_768;

/**
 * The texts of one read, joined into as few strings as possible that each stay within
 * `maxWriteChars` (a single text longer than that is kept whole); none when they are all empty.
 */
export function joinForWrites(texts: readonly string[]): string[] {
  const writes: string[] = [];
  let start = 0;
  let size = 0;
  texts.forEach((text, index) => {
    if (size > 0 && size + text.length > maxWriteChars) {
      writes.push(texts.slice(start, index).join(''));
      start = index;
      size = 0;
    }
    size += text.length;
  });
  const rest = start === 0 ? texts.join('') : texts.slice(start).join('');
  if (rest !== '') writes.push(rest);
  return writes;
}
