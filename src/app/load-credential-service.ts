import type { Environment } from '../config/environment.ts';
import {
  encryptionKeyVariables,
  loadEncryptionKeyRing,
} from '../config/load-encryption-key-ring.ts';
import type { Clock } from '../lib/clock.ts';
import { EncryptionKeyError, type EncryptionKeyRing } from '../lib/encryption-key-ring.ts';
import { ProviderCredentialService } from '../pipeline/credentials/provider-credential-service.ts';
import type { VirtualKeyStore } from '../storage/ports.ts';
import { ConfigError } from './config-error.ts';
import { credentialStoreBeside } from './open-credential-store.ts';

/**
 * The encryption key ring from the environment. Throws `ConfigError` (path: the variable at
 * fault, never key material) for a malformed, unreadable or contradictory setting; resolves
 * undefined when no key is set.
 */
export function loadKeyRingOrThrow(environment: Environment): EncryptionKeyRing | undefined {
  try {
    return loadEncryptionKeyRing(environment);
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      throw new ConfigError(
        [{ path: encryptionKeyVariables.key, message: error.message }],
        'environment',
      );
    }
    throw error;
  }
}

/** The credential service over the database of `keys`, with the key ring from the environment. */
export function loadCredentialService(
  keys: VirtualKeyStore,
  environment: Environment,
  clock: Clock,
): ProviderCredentialService {
  return new ProviderCredentialService(
    credentialStoreBeside(keys),
    clock,
    loadKeyRingOrThrow(environment),
  );
}
