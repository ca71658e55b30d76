import { GatewayError } from '../errors/gateway-error.ts';
import type {
  ConsoleSessions,
  OpenedConsoleSession,
  ResolvedConsoleSession,
} from '../pipeline/identity/console-sessions.ts';
import type { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import type { SignInThrottle } from '../pipeline/identity/sign-in-throttle.ts';

export type {
  OpenedConsoleSession,
  ResolvedConsoleSession,
} from '../pipeline/identity/console-sessions.ts';

/** Longest key text accepted at sign-in (keys are far shorter; this bounds the hashing). */
const maxKeyLength = 1024;

/**
 * Console sessions as the HTTP layer uses them (docs/authentication.md, "Console sessions").
 * Session ids are secrets: callers never log them.
 */
export interface ConsoleSessionAccess {
  /**
   * Opens a session for a virtual key or SIGNALBOX_ADMIN_KEY (not a JWT: a session must be
   * able to re-read its key). Throws GatewayError: 429 after too many failed sign-ins from
   * `clientAddress`, 401 for a key that is not valid, 403 for one without admin-API rights.
   */
  signIn(keyText: string, clientAddress: string): Promise<OpenedConsoleSession>;
  /** The live session with this id and who it stands for now, or undefined. */
  resolve(id: string): Promise<ResolvedConsoleSession | undefined>;
  /** Revokes the session; resolves whether a live one was revoked. */
  signOut(id: string): Promise<boolean>;
}

/** Builds console session access from the session store, the key authenticator and a throttle. */
export function createConsoleSessionAccess(
  sessions: ConsoleSessions,
  authenticator: Pick<KeyAuthenticator, 'authenticate'>,
  throttle: SignInThrottle,
): ConsoleSessionAccess {
  return {
    async signIn(keyText, clientAddress) {
      const retryAfterSeconds = throttle.retryAfterSeconds(clientAddress);
      if (retryAfterSeconds !== undefined) {
        throw new GatewayError('SB_ERR_RATE_LIMITED', {
          detail: 'Too many failed sign-ins from this address; wait before trying again.',
          retryAfterSeconds,
        });
      }
      const principal =
        keyText.length === 0 || keyText.length > maxKeyLength
          ? undefined
          : await authenticator.authenticate(keyText);
      if (principal === undefined) {
        throttle.fail(clientAddress);
        throw new GatewayError('SB_ERR_AUTH_INVALID_KEY');
      }
      const opened = await sessions.open(principal);
      if (opened === undefined) {
        throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', {
          detail:
            'Only keys that may use the admin API (admin, team_admin, member or viewer) may sign in to the console.',
        });
      }
      return opened;
    },
    resolve: (id) => sessions.resolve(id),
    signOut: (id) => sessions.revoke(id),
  };
}
