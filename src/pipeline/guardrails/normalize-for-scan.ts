/**
 * Text prepared for matching, with a way back to the original: NFKC folds full-width digits and
 * compatibility forms (`４` → `4`, `ﬁ` → `fi`) and composes combining marks; zero-width characters
 * that split a value without showing are dropped. Detectors match `text`; `toOriginal` turns a
 * span of `text` into the span of the original string that produced it.
 */
export interface NormalizedText {
  readonly text: string;
  /** Maps a `[start, end)` span of `text` to the smallest original span covering it. */
  toOriginal(start: number, end: number): { start: number; end: number };
}

/** Characters removed before matching: zero-width space/non-joiner/joiner, BOM, word joiner, soft hyphen. */
const invisible = new Set([0x200b, 0x200c, 0x200d, 0xfeff, 0x2060, 0x00ad]);

/** True when every code unit is ASCII, so NFKC and the invisible set cannot change the text. */
function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}
const combiningMark = /\p{M}/u;

/**
 * Normalises `original` for scanning. Pure; linear in the length of the text. NFKC is applied per
 * cluster (a character plus its combining marks) so each normalised character maps to one
 * original cluster; a span's original end is the end of the cluster of its last character.
 */
export function normalizeForScan(original: string): NormalizedText {
  if (isAscii(original)) {
    return { text: original, toOriginal: (start, end) => ({ start, end }) };
  }
  const pieces: string[] = [];
  const clusterStart: number[] = [];
  const clusterEnd: number[] = [];
  let index = 0;
  while (index < original.length) {
    const first = original.codePointAt(index) ?? 0;
    let next = index + (first > 0xffff ? 2 : 1);
    if (invisible.has(first)) {
      index = next;
      continue;
    }
    while (next < original.length) {
      const point = original.codePointAt(next) ?? 0;
      const character = String.fromCodePoint(point);
      if (!combiningMark.test(character)) break;
      next += character.length;
    }
    const cluster = original.slice(index, next);
    const folded = first < 0x80 && next === index + 1 ? cluster : cluster.normalize('NFKC');
    pieces.push(folded);
    for (let unit = folded.length; unit > 0; unit -= 1) {
      clusterStart.push(index);
      clusterEnd.push(next);
    }
    index = next;
  }
  const text = pieces.join('');
  return {
    text,
    toOriginal: (start, end) => {
      if (end <= start) {
        const at =
          start < clusterStart.length ? (clusterStart[start] ?? original.length) : original.length;
        return { start: at, end: at };
      }
      return {
        start: clusterStart[start] ?? original.length,
        end: clusterEnd[end - 1] ?? original.length,
      };
    },
  };
}
