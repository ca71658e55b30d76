import type { KeyMetadata } from './ports.ts';

/**
 * Readers for values stored as JSON (text in SQLite, jsonb in PostgreSQL), shared by the SQL
 * backends. A damaged value reads as empty, which grants nothing. Pure.
 */

/** The strings of a parsed JSON array; anything else reads as an empty list. */
export function readStringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === 'string')
    : [];
}

/** The flat entries of a parsed JSON object; nested or other values are dropped. */
export function readMetadata(value: unknown): KeyMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const metadata: Record<string, string | number | boolean> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean') {
      metadata[name] = entry;
    }
  }
  return metadata;
}
