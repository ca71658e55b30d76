import type { Environment } from '../config/environment.ts';
import type { ConfigOverrides } from '../config/load-config.ts';
import { systemClock } from '../lib/clock.ts';
import { VirtualKeyService } from '../pipeline/identity/virtual-key-service.ts';
import { ConfigError } from './config-error.ts';
import { loadGatewayConfig } from './load-gateway-config.ts';
import { openKeyStore } from './open-key-store.ts';

/**
 * Readies shared state before `--workers` processes start, once, in the primary process: checks
 * that nothing would be counted per process, and makes sure an admin key exists (so workers
 * never race to create one). Resolves the text of a newly created admin key, to print once.
 * Throws `ConfigError` when the configuration cannot run as several workers.
 */
export async function prepareWorkers(
  configPath: string | undefined,
  environment: Environment,
  overrides: ConfigOverrides,
): Promise<string | undefined> {
  const { config } = loadGatewayConfig(configPath, environment, overrides);
  if (config.limits.length > 0 && config.rateLimitStorage.redisUrl === undefined) {
    throw new ConfigError(
      [
        {
          path: 'storage.redis_url',
          message:
            'is required with --workers when limits are configured: without Redis each worker would count its own limits',
        },
      ],
      configPath ?? 'default configuration',
    );
  }
  if (environment.SIGNALBOX_ADMIN_KEY !== undefined) {
    return undefined;
  }
  const keys = await openKeyStore(config.storage, config.stateDir);
  try {
    return await new VirtualKeyService(keys.store, systemClock).ensureAdminKey();
  } finally {
    await keys.close();
  }
}
