import { isJsonObject } from '../lib/json.ts';

/** Lists whose entries are named in paths by a field, so errors read `models.fast`, not `models[0]`. */
const namedLists: Readonly<Record<string, string>> = { models: 'alias', providers: 'id' };

/**
 * Renders a path into the configuration as people read it: `models.fast.targets[1].provider`.
 * Entries of `models` and `providers` are shown by alias or id when they have a usable one.
 */
export function formatConfigPath(path: readonly PropertyKey[], root: unknown): string {
  let text = '';
  let node: unknown = root;
  let parentKey: PropertyKey | undefined;
  for (const segment of path) {
    if (typeof segment === 'number') {
      const entry: unknown = Array.isArray(node) ? node[segment] : undefined;
      const nameField = typeof parentKey === 'string' ? namedLists[parentKey] : undefined;
      const name = nameField !== undefined && isJsonObject(entry) ? entry[nameField] : undefined;
      text +=
        typeof name === 'string' && /^[A-Za-z0-9_.:/-]+$/.test(name) ? `.${name}` : `[${segment}]`;
      node = entry;
    } else {
      const key = String(segment);
      text += text === '' ? key : `.${key}`;
      node = isJsonObject(node) ? node[key] : undefined;
    }
    parentKey = segment;
  }
  return text === '' ? '(root)' : text;
}
