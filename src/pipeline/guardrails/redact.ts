import type { Finding } from './finding.ts';

/** `mask` replaces each finding with a placeholder naming its class (`[EMAIL]`); `remove` deletes it. */
export type RedactionStyle = 'mask' | 'remove';

const placeholderOf: Readonly<Record<RedactionStyle, (type: string) => string>> = {
  mask: (type) => `[${type.toUpperCase()}]`,
  remove: () => '',
};

/**
 * Returns `text` with every finding's span replaced. Findings may come in any order and may
 * overlap; overlapping spans are merged so no character of either survives. Pure.
 */
export function redact(text: string, findings: readonly Finding[], style: RedactionStyle): string {
  const ordered = [...findings]
    .filter((finding) => finding.end > finding.start)
    .sort((left, right) => left.start - right.start);
  const placeholder = placeholderOf[style];
  const pieces: string[] = [];
  let cursor = 0;
  let index = 0;
  while (index < ordered.length) {
    const first = ordered[index];
    if (first === undefined) break;
    let end = first.end;
    index += 1;
    while (index < ordered.length && (ordered[index]?.start ?? Infinity) < end) {
      end = Math.max(end, ordered[index]?.end ?? end);
      index += 1;
    }
    const start = Math.max(first.start, cursor);
    pieces.push(text.slice(cursor, start), placeholder(first.type));
    cursor = Math.max(cursor, end);
  }
  pieces.push(text.slice(cursor));
  return pieces.join('');
}
