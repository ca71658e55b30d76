/** The most rows one multi-row statement carries. */
const largestChunk = 32;

/**
 * Splits items into chunks of 32, 16, 8, 4, 2 or 1, largest first. A statement with one
 * placeholder group per item then has at most six texts, so the connection's statement cache
 * holds six prepared statements rather than one per batch size: a prepared 100-row ledger insert
 * alone takes about 160 KB (16 MB for every size from 1 to 100, measured).
 */
export function statementChunks<T>(items: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let from = 0;
  for (let size = largestChunk; size >= 1; size /= 2) {
    while (items.length - from >= size) {
      chunks.push(items.slice(from, from + size));
      from += size;
    }
  }
  return chunks;
}

/** `$1, $2, …, $n`: one placeholder per item of a chunk, for `IN (…)`. */
export function placeholderList(count: number): string {
  return Array.from({ length: count }, (_, index) => `$${String(index + 1)}`).join(', ');
}

/**
 * `($1, …, $c), ($c+1, …)`: placeholders for `rows` rows of `columns` values each, for a
 * multi-row `VALUES`. `cast` wraps the placeholder of a column that needs it (a dialect's JSON
 * cast); by default none does.
 */
export function rowPlaceholders(
  rows: number,
  columns: number,
  cast: (placeholder: string, column: number) => string = (placeholder) => placeholder,
): string {
  const tuples: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    const placeholders: string[] = [];
    for (let column = 0; column < columns; column += 1) {
      placeholders.push(cast(`$${String(row * columns + column + 1)}`, column));
    }
    tuples.push(`(${placeholders.join(', ')})`);
  }
  return tuples.join(', ');
}

/**
 * `build(rows)`, built once per row count and then handed out as the same string: a multi-row
 * statement's text is thousands of characters (a 32-row ledger insert has 672 placeholders), so
 * building it for every batch costs its parts, and the connection's statement cache, keyed by
 * the text, would hash and compare a new copy each time instead of finding the one it holds.
 */
export function textPerRowCount(build: (rows: number) => string): (rows: number) => string {
  const texts = new Map<number, string>();
  return (rows) => {
    let text = texts.get(rows);
    if (text === undefined) {
      text = build(rows);
      texts.set(rows, text);
    }
    return text;
  };
}
