/**
 * Whether a key's model list admits a requested model name. `null` admits everything; an entry
 * matches exactly, or as `prefix/*` for every model under a prefix, or as `*`. Pure.
 */
export function isModelAllowed(allowedModels: readonly string[] | null, model: string): boolean {
  if (allowedModels === null) {
    return true;
  }
  for (const pattern of allowedModels) {
    if (pattern === '*' || pattern === model) {
      return true;
    }
    if (pattern.endsWith('/*') && model.startsWith(pattern.slice(0, -1))) {
      return true;
    }
  }
  return false;
}
