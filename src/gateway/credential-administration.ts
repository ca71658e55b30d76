import type { SecretValue } from '../lib/secret-value.ts';
import type {
  CredentialView,
  RotationReport,
} from '../pipeline/credentials/provider-credential-service.ts';

export type {
  CredentialView,
  RotationReport,
} from '../pipeline/credentials/provider-credential-service.ts';
export {
  credentialNamePattern,
  credentialNameRule,
  maxCredentialValueBytes,
} from '../pipeline/credentials/credential-name.ts';

/**
 * Administration of stored provider credentials, for admin routes. Values go in as `SecretValue`
 * and never come back out: every answer carries names, key ids and times only. A change is in
 * force for new requests when the promise resolves (the configuration is re-resolved).
 * Rejects with `GatewayError` (`SB_ERR_CREDENTIAL_EXISTS`, `SB_ERR_CREDENTIAL_KEY_MISSING`).
 */
export interface CredentialAdministration {
  create(name: string, value: SecretValue): Promise<CredentialView>;
  /** Resolves undefined when there is no credential of that name. */
  replace(name: string, value: SecretValue): Promise<CredentialView | undefined>;
  list(): Promise<CredentialView[]>;
  /** Resolves false when there was no credential of that name. */
  remove(name: string): Promise<boolean>;
  /** Re-encrypts every stored credential under the current encryption key. */
  rotate(): Promise<RotationReport>;
}
