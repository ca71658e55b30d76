import type { ConfigFile } from '../config/config-schema.ts';
import type { Environment } from '../config/environment.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { loadConfigFile, loadDefaultConfig, type ConfigOverrides } from '../config/load-config.ts';
import type { CredentialLookup } from '../config/resolve-secret-reference.ts';
import { ConfigError } from './config-error.ts';

/**
 * Loads the configuration file if one is given, else the zero-configuration default. Throws
 * `ConfigError`. Without `credentials`, `${credential:NAME}` references stay unresolved (enough
 * to find the state directory and storage); with it, each must resolve.
 */
export function loadGatewayConfig(
  configPath: string | undefined,
  environment: Environment,
  overrides: ConfigOverrides,
  credentials?: CredentialLookup,
): { readonly config: GatewayConfig; readonly file: ConfigFile } {
  const result =
    configPath === undefined
      ? loadDefaultConfig(environment, overrides, credentials)
      : loadConfigFile(configPath, environment, overrides, credentials);
  if (!result.ok) {
    throw new ConfigError(result.problems, configPath ?? 'default configuration');
  }
  return { config: result.config, file: result.file };
}
