import type { CredentialAdministration } from '../gateway/credential-administration.ts';
import type { ProviderCredentialService } from '../pipeline/credentials/provider-credential-service.ts';

/**
 * Credential administration that re-resolves the configuration (through `reload`) after every
 * change of a value, so a created, replaced or deleted credential is in force for new requests
 * when the admin call answers. Re-encryption changes no value and reloads nothing. A failed
 * reload keeps the running configuration and is logged by `reload` itself.
 */
export function reloadingCredentialAdministration(
  service: ProviderCredentialService,
  reload: () => Promise<unknown>,
): CredentialAdministration {
  return {
    async create(name, value) {
      const view = await service.create(name, value);
      await reload();
      return view;
    },
    async replace(name, value) {
      const view = await service.replace(name, value);
      if (view !== undefined) {
        await reload();
      }
      return view;
    },
    list: () => service.list(),
    async remove(name) {
      const removed = await service.remove(name);
      if (removed) {
        await reload();
      }
      return removed;
    },
    rotate: () => service.rotate(),
  };
}
