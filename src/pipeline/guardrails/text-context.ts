/**
 * True when one of `words` occurs as a whole word in the `window` characters before `start`
 * (case-insensitive). Used to accept weak candidates (bare digit runs) only when the text says
 * what they are, and to reject candidates the text labels as something else.
 */
export function hasWordBefore(
  text: string,
  start: number,
  words: ReadonlySet<string>,
  window = 40,
): boolean {
  const before = text.slice(Math.max(0, start - window), start).toLowerCase();
  for (const token of before.match(/[a-z]+/g) ?? []) {
    if (words.has(token)) return true;
  }
  return false;
}

/**
 * True when one of `words` occurs as a whole word in the `window` characters after `end`
 * (case-insensitive): labels such as "555 0100 (office)" or "555 0100-Fax" follow the value.
 */
export function hasWordAfter(
  text: string,
  end: number,
  words: ReadonlySet<string>,
  window = 12,
): boolean {
  const after = text.slice(end, end + window).toLowerCase();
  const first = /^[^a-z0-9]{0,3}([a-z]+)/.exec(after);
  return first?.[1] !== undefined && words.has(first[1]);
}

/** Words that say a number is an identifier of something other than a person or card. */
export const identifierWords: ReadonlySet<string> = new Set([
  'order',
  'invoice',
  'tracking',
  'imei',
  'serial',
  'isbn',
  'ean',
  'sku',
  'gtin',
  'ticket',
  'build',
  'version',
  'release',
  'ref',
  'reference',
  'part',
  'batch',
  'lot',
  'shipment',
  'parcel',
  'license',
  'licence',
  'passport',
]);
