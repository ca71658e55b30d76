import { providerTypes } from '../providers/provider-types.ts';
import type { Environment } from './environment.ts';
import type { ProviderEntry } from './config-schema.ts';

/** A provider configured because its API key variable is set. */
export interface EnvironmentProvider {
  readonly variable: string;
  readonly entry: ProviderEntry;
}

/**
 * Provider entries for every provider type whose API key variable is set (and not empty) in the
 * environment, named after the type (`openai`, `groq`, ...), with the key as a reference so the
 * value itself never sits in a configuration object.
 */
export function detectEnvironmentProviders(environment: Environment): EnvironmentProvider[] {
  const entries: EnvironmentProvider[] = [];
  for (const definition of providerTypes) {
    const variable = definition.apiKeyEnvironmentVariable;
    if (variable === undefined) {
      continue;
    }
    const value = environment[variable];
    if (value !== undefined && value.trim() !== '') {
      entries.push({
        variable,
        entry: { id: definition.type, type: definition.type, api_key: `\${env:${variable}}` },
      });
    }
  }
  return entries;
}
