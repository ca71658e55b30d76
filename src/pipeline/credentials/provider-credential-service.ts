import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import {
  CredentialDecryptionError,
  openCredential,
  sealCredential,
} from '../../lib/credential-envelope.ts';
import type { EncryptionKeyRing } from '../../lib/encryption-key-ring.ts';
import { SecretValue } from '../../lib/secret-value.ts';
import type { ProviderCredentialRecord, ProviderCredentialStore } from '../../storage/ports.ts';

/** A stored credential as shown to operators: never the value, never the ciphertext. */
export interface CredentialView {
  readonly name: string;
  /** The id of the encryption key the value is sealed under (see `encryptionKeyId`). */
  readonly key_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What {@link ProviderCredentialService.rotate} did. */
export interface RotationReport {
  /** The id of the current key, under which everything readable now is. */
  readonly key_id: string;
  /** Credentials re-encrypted under the current key. */
  readonly rotated: number;
  /** Credentials that were already under it. */
  readonly unchanged: number;
  /** Names of credentials that could not be decrypted (unknown key or damaged), left as they are. */
  readonly failed: readonly string[];
}

/**
 * Reads a credential by name, for resolving `${credential:NAME}` in configuration: the secret, or
 * a message (naming the credential, never its value) saying why it cannot be had. Synchronous, so
 * configuration resolution stays synchronous; built from a snapshot of the store.
 */
export type CredentialLookup = (
  name: string,
) =>
  | { readonly ok: true; readonly secret: SecretValue }
  | { readonly ok: false; readonly message: string };

function toView(record: ProviderCredentialRecord): CredentialView {
  return {
    name: record.name,
    key_id: record.keyId,
    created_at: new Date(record.createdAt).toISOString(),
    updated_at: new Date(record.updatedAt).toISOString(),
  };
}

/**
 * Provider credentials stored encrypted (AES-256-GCM, see `credential-envelope.ts`), shared by
 * the admin API and the CLI. Values go in as `SecretValue` and come out only through
 * {@link lookup}; views, errors and reports carry names and key ids alone. Names and value sizes
 * are validated by the caller (`credential-name.ts`).
 *
 * Without a key ring (no `SIGNALBOX_ENCRYPTION_KEY`), listing and deleting still work; storing,
 * rotating and reading values throw `GatewayError` `SB_ERR_CREDENTIAL_KEY_MISSING`.
 */
export class ProviderCredentialService {
  readonly #store: ProviderCredentialStore;
  readonly #clock: Clock;
  readonly #keyRing: EncryptionKeyRing | undefined;

  constructor(
    store: ProviderCredentialStore,
    clock: Clock,
    keyRing: EncryptionKeyRing | undefined,
  ) {
    this.#store = store;
    this.#clock = clock;
    this.#keyRing = keyRing;
  }

  #ring(): EncryptionKeyRing {
    if (this.#keyRing === undefined) {
      throw new GatewayError('SB_ERR_CREDENTIAL_KEY_MISSING');
    }
    return this.#keyRing;
  }

  /** Stores a new credential; throws `SB_ERR_CREDENTIAL_EXISTS` when the name is taken. */
  async create(name: string, value: SecretValue): Promise<CredentialView> {
    const sealed = sealCredential(this.#ring(), name, value.reveal());
    const now = this.#clock.now();
    const record = { name, ...sealed, createdAt: now, updatedAt: now };
    if (!(await this.#store.insert(record))) {
      throw new GatewayError('SB_ERR_CREDENTIAL_EXISTS', { param: 'name' });
    }
    return toView(record);
  }

  /** Replaces a credential's value; resolves undefined when there is none of that name. */
  async replace(name: string, value: SecretValue): Promise<CredentialView | undefined> {
    const sealed = sealCredential(this.#ring(), name, value.reveal());
    const updatedAt = this.#clock.now();
    if (!(await this.#store.replace({ name, ...sealed, createdAt: updatedAt, updatedAt }))) {
      return undefined;
    }
    const stored = await this.#store.findByName(name);
    return stored === undefined ? undefined : toView(stored);
  }

  /** Every credential, by name. */
  async list(): Promise<CredentialView[]> {
    return (await this.#store.list()).map(toView);
  }

  /** One credential's view, or undefined. */
  async get(name: string): Promise<CredentialView | undefined> {
    const stored = await this.#store.findByName(name);
    return stored === undefined ? undefined : toView(stored);
  }

  /** Deletes a credential; resolves false when there was none of that name. */
  remove(name: string): Promise<boolean> {
    return this.#store.remove(name);
  }

  /**
   * Re-encrypts every credential not yet under the current key, keeping its update time. Each
   * replacement applies only if the row was not changed meanwhile (a concurrent PUT wins).
   * Credentials that cannot be decrypted are reported by name and left alone.
   */
  async rotate(): Promise<RotationReport> {
    const ring = this.#ring();
    let rotated = 0;
    let unchanged = 0;
    const failed: string[] = [];
    for (const record of await this.#store.list()) {
      if (record.keyId === ring.current.id) {
        unchanged += 1;
        continue;
      }
      let plaintext: string;
      try {
        plaintext = openCredential(ring, record.name, record);
      } catch (error) {
        if (error instanceof CredentialDecryptionError) {
          failed.push(record.name);
          continue;
        }
        throw error;
      }
      const sealed = sealCredential(ring, record.name, plaintext);
      if (await this.#store.replace({ ...record, ...sealed }, record.ciphertext)) {
        rotated += 1;
      }
    }
    return { key_id: ring.current.id, rotated, unchanged, failed };
  }

  /**
   * A lookup over a snapshot of the stored credentials, decrypting on demand (so a missing key
   * matters only when a credential is actually referenced).
   */
  async lookup(): Promise<CredentialLookup> {
    const records = new Map((await this.#store.list()).map((record) => [record.name, record]));
    const ring = this.#keyRing;
    return (name) => {
      const record = records.get(name);
      if (record === undefined) {
        return {
          ok: false,
          message: `stored credential "${name}" does not exist (create it with POST /admin/credentials)`,
        };
      }
      if (ring === undefined) {
        return {
          ok: false,
          message: `stored credential "${name}" cannot be decrypted: SIGNALBOX_ENCRYPTION_KEY (or SIGNALBOX_ENCRYPTION_KEY_FILE) is not set`,
        };
      }
      try {
        return { ok: true, secret: new SecretValue(openCredential(ring, name, record)) };
      } catch (error) {
        const reason =
          error instanceof CredentialDecryptionError ? error.message : 'it is unreadable';
        return { ok: false, message: `stored credential "${name}" cannot be decrypted: ${reason}` };
      }
    };
  }
}
