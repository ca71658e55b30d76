import type { ProviderCredentialStore, VirtualKeyStore } from '../storage/ports.ts';
import { PostgresProviderCredentialStore } from '../storage/postgres/provider-credential-store.ts';
import { PostgresVirtualKeyStore } from '../storage/postgres/virtual-key-store.ts';
import { SqliteProviderCredentialStore } from '../storage/sqlite/provider-credential-store.ts';
import { SqliteVirtualKeyStore } from '../storage/sqlite/virtual-key-store.ts';

/**
 * The provider credential store in the same database as `keys` (opened by `openKeyStore`, which
 * also ran the migrations), sharing its connection or pool; closing the key store closes it too.
 * Throws for a key store of any other kind (the in-memory one has no credential storage).
 */
export function credentialStoreBeside(keys: VirtualKeyStore): ProviderCredentialStore {
  if (keys instanceof SqliteVirtualKeyStore) {
    return new SqliteProviderCredentialStore(keys.database);
  }
  if (keys instanceof PostgresVirtualKeyStore) {
    return new PostgresProviderCredentialStore(keys.pool);
  }
  throw new Error('stored provider credentials need SQLite or PostgreSQL storage');
}
