import type { ConfigFile } from '../config/config-schema.ts';
import type { Environment } from '../config/environment.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { loadConfigFile, loadDefaultConfig, type ConfigOverrides } from '../config/load-config.ts';
import { ConfigError } from './config-error.ts';

/** Loads the configuration file if one is given, else the zero-configuration default. Throws `ConfigError`. */
export function loadGatewayConfig(
  configPath: string | undefined,
  environment: Environment,
  overrides: ConfigOverrides,
): { readonly config: GatewayConfig; readonly file: ConfigFile } {
  const result =
    configPath === undefined
      ? loadDefaultConfig(environment, overrides)
      : loadConfigFile(configPath, environment, overrides);
  if (!result.ok) {
    throw new ConfigError(result.problems, configPath ?? 'default configuration');
  }
  return { config: result.config, file: result.file };
}
