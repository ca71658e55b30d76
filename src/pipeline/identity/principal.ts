import type { KeyRole } from '../../storage/ports.ts';

/** Who is calling: the authenticated key and what it may do. */
export interface Principal {
  readonly role: KeyRole;
  /** The key's public id (`environment` for the admin key given by SIGNALBOX_ADMIN_KEY). */
  readonly keyId: string;
  readonly keyName: string;
  readonly allowedModels: readonly string[] | null;
  /** The key's team, for routing rules (`key.team`); undefined when it has none. */
  readonly team: string | undefined;
  /** The key's tags, sorted, for routing rules (`key.tags`); empty when it has none. */
  readonly tags: readonly string[];
}
