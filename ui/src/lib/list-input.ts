/** Comma-separated text to a list, or null (meaning "all") when empty. */
export function parseList(text: string): string[] | null {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? null : items;
}

/** A `datetime-local` value to ISO 8601, or null when empty. */
export function localToIso(value: string): string | null {
  if (value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** ISO 8601 to a `datetime-local` value (local time, minutes). */
export function isoToLocal(iso: string | null): string {
  if (iso === null) return '';
  const date = new Date(iso);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
