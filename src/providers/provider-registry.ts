import type { ProviderType } from './provider-type.ts';
import { providerTypes } from './provider-types.ts';

const registry: ReadonlyMap<string, ProviderType> = new Map(
  providerTypes.map((definition) => [definition.type, definition]),
);

/** The type names accepted in `providers[].type`, in registry order. */
export const providerTypeNames: readonly string[] = providerTypes.map(
  (definition) => definition.type,
);

/** Looks a provider type up by name; undefined when no such type exists. */
export function findProviderType(type: string): ProviderType | undefined {
  return registry.get(type);
}

/** Looks a provider type up by name; throws when none exists (config validation rules that out). */
export function getProviderType(type: string): ProviderType {
  const definition = registry.get(type);
  if (definition === undefined) {
    throw new Error(`unknown provider type "${type}"`);
  }
  return definition;
}
