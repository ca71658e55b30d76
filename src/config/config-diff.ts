import { isJsonObject } from '../lib/json.ts';
import type { ConfigFile } from './config-schema.ts';

/** Lists whose entries are matched by a name field rather than by position. */
const namedLists: Readonly<Record<string, string>> = { models: 'alias', providers: 'id' };

/**
 * Describes what changed between two validated configuration files, one line per change:
 * `+ path` (added), `- path` (removed) or `~ path: old -> new`. Secrets are still references in a
 * validated file, so the lines are safe to log. Pure.
 */
export function diffConfigFiles(before: ConfigFile, after: ConfigFile): string[] {
  const lines: string[] = [];
  diffValues(before, after, '', undefined, lines);
  return lines;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function render(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function diffValues(
  before: unknown,
  after: unknown,
  path: string,
  parentKey: string | undefined,
  lines: string[],
): void {
  if (before === undefined && after === undefined) {
    return;
  }
  if (before === undefined) {
    lines.push(`+ ${path}`);
    return;
  }
  if (after === undefined) {
    lines.push(`- ${path}`);
    return;
  }
  const nameField = parentKey === undefined ? undefined : namedLists[parentKey];
  if (Array.isArray(before) && Array.isArray(after) && nameField !== undefined) {
    diffNamedLists(before, after, path, nameField, lines);
    return;
  }
  if (isJsonObject(before) && isJsonObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      diffValues(before[key], after[key], join(path, key), key, lines);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let index = 0; index < length; index += 1) {
      diffValues(before[index], after[index], `${path}[${index}]`, undefined, lines);
    }
    return;
  }
  if (render(before) !== render(after)) {
    lines.push(`~ ${path}: ${render(before)} -> ${render(after)}`);
  }
}

function diffNamedLists(
  before: readonly unknown[],
  after: readonly unknown[],
  path: string,
  nameField: string,
  lines: string[],
): void {
  const byName = (entries: readonly unknown[]): Map<string, unknown> => {
    const map = new Map<string, unknown>();
    entries.forEach((entry, index) => {
      const name = isJsonObject(entry) ? entry[nameField] : undefined;
      map.set(typeof name === 'string' ? name : `[${index}]`, entry);
    });
    return map;
  };
  const beforeByName = byName(before);
  const afterByName = byName(after);
  for (const [name, entry] of beforeByName) {
    diffValues(entry, afterByName.get(name), join(path, name), undefined, lines);
  }
  for (const [name, entry] of afterByName) {
    if (!beforeByName.has(name)) {
      diffValues(undefined, entry, join(path, name), undefined, lines);
    }
  }
}
