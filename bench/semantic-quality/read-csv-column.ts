/**
 * The values of one named column of an RFC 4180 CSV text (quoted fields may hold commas, quotes
 * and newlines). Small on purpose: the benchmark reads a few known files. Pure.
 */
export function readCsvColumn(text: string, column: string): string[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') {
        quoted = false;
      } else {
        field += character;
      }
    } else if (character === '"') {
      quoted = true;
    } else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += character;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const header = rows[0] ?? [];
  const position = header.indexOf(column);
  if (position < 0) throw new Error(`CSV has no column ${column}`);
  return rows
    .slice(1)
    .flatMap((values) => (values[position] === undefined ? [] : [values[position]]));
}
