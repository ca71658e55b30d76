/**
 * A console sign-in session as stored: never the session id itself, only its SHA-256 (hex), so
 * a copy of the database opens no session. Times are milliseconds.
 */
export interface ConsoleSessionRecord {
  readonly idHash: string;
  /** The key the session stands for: its id, or `environment:<fingerprint>` for SIGNALBOX_ADMIN_KEY. */
  readonly keyId: string;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastSeenAt: number;
  readonly revokedAt: number | null;
}

/**
 * Console sessions, in the state database so every process and replica sees the same ones.
 * Methods reject only on storage failure.
 */
export interface ConsoleSessionStore {
  insert(record: ConsoleSessionRecord): Promise<void>;
  findByHash(idHash: string): Promise<ConsoleSessionRecord | undefined>;
  /** Records use at `at` (for the idle timeout); a revoked or unknown session stays as it is. */
  touch(idHash: string, at: number): Promise<void>;
  /** Marks one session revoked; resolves false when it was unknown or already revoked. */
  revoke(idHash: string, at: number): Promise<boolean>;
  /** Deletes sessions that expired before `before`; resolves how many. */
  purgeExpired(before: number): Promise<number>;
}
