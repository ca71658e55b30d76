import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.ts';
import { canReadPlatform, isPlatformAdmin, type Principal } from '../../gateway/gateway.ts';
import {
  authenticateBySession,
  clearedSessionCookie,
  cookieNeedsSecure,
  crossOriginRefusal,
  sessionCookie,
} from '../console-session-cookie.ts';
import type { HttpExchange } from '../http-exchange.ts';
import type { Route } from '../router.ts';
import { readAdminBody } from './admin-json-body.ts';
import type { RouteHandler } from './route-handler.ts';

const signInSchema = z.strictObject({ key: z.string().min(1).max(1024) });

/** What the console shows about who is signed in. */
function sessionBody(
  principal: Principal,
  csrfToken: string,
  expiresAt: number,
): Record<string, unknown> {
  return {
    csrf_token: csrfToken,
    expires_at: new Date(expiresAt).toISOString(),
    caller: {
      agent: principal.agent,
      key_name: principal.keyName,
      org: principal.org,
      team: principal.team ?? null,
      role: principal.role,
      // May read install-wide state (`platform` routes); a platform admin may also change it.
      platform: canReadPlatform(principal),
      platform_admin: isPlatformAdmin(principal),
    },
  };
}

/** Session answers are per user and carry the CSRF token: never cached anywhere. */
const noStore = { 'cache-control': 'no-store' } as const;

/**
 * `POST /admin/session`: signs in with a key given in the body (docs/authentication.md, "Console
 * sessions"). Refused from another origin; 401 for a wrong key, 429 after too many wrong keys
 * from one address, 403 for a key that may not use the admin API. Audited as an admin action.
 */
const signIn: RouteHandler = async (exchange, dependencies) => {
  const refusal = crossOriginRefusal(exchange.request);
  if (refusal !== undefined) {
    throw new GatewayError('SB_ERR_AUTH_CSRF', { detail: refusal });
  }
  const body = await readAdminBody(exchange, signInSchema);
  const opened = await dependencies.gateway.sessions.signIn(
    body.key,
    exchange.request.socket.remoteAddress ?? 'unknown',
  );
  exchange.principal = opened.principal;
  const maxAgeSeconds = Math.ceil((opened.expiresAt - exchange.clock.now()) / 1000);
  exchange.sendJson(200, sessionBody(opened.principal, opened.csrfToken, opened.expiresAt), {
    ...noStore,
    'set-cookie': sessionCookie(opened.id, maxAgeSeconds, cookieNeedsSecure(exchange.request)),
  });
  return { status: 200, outcome: 'completed' };
};

/** The session of the request's cookie, or a 401 (also when only an API key was sent). */
async function requireSession(
  exchange: HttpExchange,
  dependencies: Parameters<RouteHandler>[1],
): Promise<NonNullable<Awaited<ReturnType<typeof authenticateBySession>>>> {
  const session = await authenticateBySession(exchange, dependencies);
  if (session === undefined) {
    throw new GatewayError('SB_ERR_AUTH_MISSING_KEY', {
      detail: 'No console session: sign in with POST /admin/session.',
    });
  }
  exchange.principal = session.principal;
  return session;
}

/** `GET /admin/session`: who the session cookie stands for now, and its CSRF token. */
const currentSession: RouteHandler = async (exchange, dependencies) => {
  const session = await requireSession(exchange, dependencies);
  exchange.sendJson(200, sessionBody(session.principal, session.csrfToken, session.expiresAt), {
    ...noStore,
  });
  return { status: 200, outcome: 'completed' };
};

/**
 * `DELETE /admin/session`: revokes the session server-side (needs its CSRF token) and clears
 * the cookie. A session that already ended only has its cookie cleared.
 */
const signOut: RouteHandler = async (exchange, dependencies) => {
  const secure = cookieNeedsSecure(exchange.request);
  try {
    const session = await requireSession(exchange, dependencies);
    await dependencies.gateway.sessions.signOut(session.id);
  } catch (error) {
    const ended = error instanceof GatewayError && error.code === 'SB_ERR_AUTH_INVALID_KEY';
    if (!ended) throw error;
  }
  exchange.send(204, '', { ...noStore, 'set-cookie': clearedSessionCookie(secure) });
  return { status: 204, outcome: 'completed' };
};

/**
 * Console sign-in. Public routes (the dispatcher does not authenticate them): sign-in carries
 * its key in the body, and the other two authenticate by the session cookie themselves, so a
 * viewer's session may also sign out.
 */
export const adminSessionRoutes: readonly Route<RouteHandler>[] = [
  { method: 'POST', path: '/admin/session', access: 'public', handler: signIn },
  { method: 'GET', path: '/admin/session', access: 'public', handler: currentSession },
  { method: 'DELETE', path: '/admin/session', access: 'public', handler: signOut },
];
