import type { KeyRole } from '../../storage/ports.ts';

/**
 * Who is calling. Two identities are recorded: the natural person (`userId`, the owner of the
 * key, when it has one) and the calling agent (`agent`, the key that authenticated). Everything
 * the caller may do is here, so authorisation (`authorisation.ts`) needs no lookups. Immutable.
 */
export interface Principal {
  readonly role: KeyRole;
  /** The organisation (tenant) the caller acts in; `default` for single-tenant installs. */
  readonly org: string;
  /** The user the key belongs to; undefined for service keys and keys without an owner. */
  readonly userId: string | undefined;
  /** The calling agent: the key id, or `environment` for SIGNALBOX_ADMIN_KEY. */
  readonly agent: string;
  /** The key's public id (`environment` for the admin key given by SIGNALBOX_ADMIN_KEY). */
  readonly keyId: string;
  readonly keyName: string;
  /** The key's team, for routing rules (`key.team`) and team scope; undefined when it has none. */
  readonly team: string | undefined;
  /** The key's tags, sorted, for routing rules (`key.tags`); empty when it has none. */
  readonly tags: readonly string[];
  /** Model names or patterns the caller may use; null means any. */
  readonly allowedModels: readonly string[] | null;
  /** Model route names (`chat`, `messages`, ...) the caller may call; null means every one. */
  readonly allowedRoutes: readonly string[] | null;
  /** The most output tokens one request may ask for; null for no cap. */
  readonly maxOutputTokens: number | null;
  /** When the key stops working (milliseconds); keys it creates may not outlive it. */
  readonly expiresAt: number | null;
}

/**
 * The end user a client says it acts for (OpenAI `user`, Anthropic `metadata.user_id`, header
 * `x-signalbox-end-user`). The client chose it and nothing checked it: it is recorded for
 * reports and abuse tracing, never used to grant anything.
 */
export interface EndUser {
  readonly id: string;
  readonly verified: false;
}
