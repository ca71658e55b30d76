/**
 * A small RFC 4180 CSV parser: quoted fields may hold commas, doubled quotes and line breaks;
 * rows end at LF or CRLF. Enough for the few known data files the routing evaluator reads, and
 * small on purpose (no type inference: pandas-style `True`/`False` stay strings). Pure.
 */
export function parseCsvRows(text: string): string[][] {
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
  return rows;
}

/** The data rows of a CSV text as header → value records (rows shorter than the header are padded with ''). */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsvRows(text);
  return rows.map((values) =>
    Object.fromEntries(header.map((name, position) => [name, values[position] ?? ''])),
  );
}

/** The values of one named column (rows lacking it are skipped); throws when the header lacks it. */
export function readCsvColumn(text: string, column: string): string[] {
  const [header = [], ...rows] = parseCsvRows(text);
  const position = header.indexOf(column);
  if (position < 0) throw new Error(`CSV has no column ${column}`);
  return rows.flatMap((values) => (values[position] === undefined ? [] : [values[position]]));
}
