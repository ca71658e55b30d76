/** What a virtual key may do. */
export type KeyRole = 'admin' | 'application';

/**
 * A stored virtual key. The key itself is never stored: only its SHA-256, compared in constant
 * time. `id` is the public part of the key, safe to log and show.
 */
export interface VirtualKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly role: KeyRole;
  readonly secretHash: Buffer;
  /** Model names or patterns (`alias`, `provider/*`, `*`) the key may use; null means any. */
  readonly allowedModels: readonly string[] | null;
  /** The team the key belongs to (a lowercase identifier), or null for none. */
  readonly team: string | null;
  /**
   * Labels for routing rules and reports; empty for none. Stores keep them in the order given
   * (the key service gives them sorted and without duplicates).
   */
  readonly tags: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/**
 * Storage of virtual keys. Every backend passes the shared conformance suite
 * (`virtual-key-store.conformance.ts`). Methods reject only on storage failure.
 */
export interface VirtualKeyStore {
  /** Adds a key; rejects if the id already exists. */
  insert(record: VirtualKeyRecord): Promise<void>;
  findById(id: string): Promise<VirtualKeyRecord | undefined>;
  /** Keys ordered by creation time, newest last. */
  list(options?: { readonly includeRevoked?: boolean }): Promise<VirtualKeyRecord[]>;
  /** Marks a key revoked; resolves false when it does not exist or was already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
  /**
   * A number that changes whenever keys may have been changed by another process (the CLI
   * writing the same state directory), so caches know when to drop what they hold.
   */
  changeMarker(): Promise<number>;
}
