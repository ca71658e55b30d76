import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Principal } from '../gateway/gateway.ts';
import { constantTimeEqual } from '../lib/constant-time-equal.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import type { HttpExchange } from './http-exchange.ts';

/** The console session cookie's name. */
export const sessionCookieName = 'signalbox_session';
/** The header a cookie-authenticated change must carry, equal to the session's CSRF token. */
export const csrfHeaderName = 'x-csrf-token';

/** What a request authenticated by its session cookie carries along (never logged). */
export interface SessionOfRequest {
  readonly id: string;
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** Sessions of exchanges authenticated by cookie, so session routes need not look them up again. */
const sessionsOfExchanges = new WeakMap<HttpExchange, SessionOfRequest>();

/** The session the exchange was authenticated with, if it was by cookie. */
export function sessionOf(exchange: HttpExchange): SessionOfRequest | undefined {
  return sessionsOfExchanges.get(exchange);
}

const cookieNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const cookieValuePattern = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/**
 * The `signalbox_session` value of the Cookie header, parsed strictly (RFC 6265 syntax): a
 * malformed header, a malformed value or the cookie sent twice all read as no session, so an
 * ambiguous request is never authenticated. Pure.
 */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 8192) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const pair = part.trim();
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) return undefined;
    const name = pair.slice(0, equals);
    let value = pair.slice(equals + 1);
    if (!cookieNamePattern.test(name)) return undefined;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    if (!cookieValuePattern.test(value)) return undefined;
    if (name === sessionCookieName) {
      if (found !== undefined) return undefined;
      found = value;
    }
  }
  return found === '' ? undefined : found;
}

/** Whether the request carries an API key header at all (a key header always wins over a cookie). */
export function hasApiKeyHeader(request: IncomingMessage): boolean {
  return request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
}

function isLoopbackName(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  const host = hostHeader
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return (isIP(plain) === 4 && plain.startsWith('127.')) || plain === '::1';
}

/**
 * Whether the cookie needs `Secure`: always, except on plain HTTP to a loopback address asked
 * for by a loopback name (a console on `http://localhost`, where browsers would otherwise drop
 * it). A TLS-terminating proxy on the same host forwards the public Host name, so it gets
 * `Secure`.
 */
export function cookieNeedsSecure(request: IncomingMessage): boolean {
  const encrypted = (request.socket as Partial<TLSSocket>).encrypted === true;
  return (
    encrypted ||
    !isLoopbackAddress(request.socket.localAddress) ||
    !isLoopbackName(request.headers.host)
  );
}

/** The Set-Cookie value that stores a session id for `maxAgeSeconds`. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${sessionCookieName}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${String(Math.max(0, Math.floor(maxAgeSeconds)))}${secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value that deletes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/**
 * Why a request from a browser must not act: sent by another site (`Sec-Fetch-Site:
 * cross-site`) or from another origin than the one it was sent to (`Origin` not matching
 * `Host`). Undefined when neither says so. Requests without those headers (not from a browser)
 * pass; the CSRF token is what they still need.
 */
export function crossOriginRefusal(request: IncomingMessage): string | undefined {
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    return 'The request was sent by another site.';
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return 'The request came from an origin that is not this gateway.';
    }
    originHost = url.host.toLowerCase();
  } catch {
    return 'The request came from an origin that is not this gateway.';
  }
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !sameHost(originHost, host)) {
    return 'The request came from an origin that is not this gateway.';
  }
  return undefined;
}

/** Compares hosts, ignoring a default port that one side spelled out. */
function sameHost(originHost: string, host: string): boolean {
  if (originHost === host) return true;
  const strip = (value: string): string => value.replace(/:(80|443)$/, '');
  return strip(originHost) === strip(host);
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticates the exchange by its session cookie: resolves the session (undefined when the
 * request has no session cookie), refuses a dead one (401) and, for POST/PUT/PATCH/DELETE, a
 * request without the session's CSRF token in `x-csrf-token` or from another origin (403
 * SB_ERR_AUTH_CSRF). The session id is never logged or echoed.
 */
export async function authenticateBySession(
  exchange: HttpExchange,
  dependencies: HttpDependencies,
): Promise<SessionOfRequest | undefined> {
  const id = readSessionCookie(exchange.request.headers.cookie);
  if (id === undefined) return undefined;
  const session = await dependencies.gateway.sessions.resolve(id);
  if (session === undefined) {
    throw new GatewayError('SB_ERR_AUTH_INVALID_KEY', {
      detail: 'The console session has ended; sign in again.',
    });
  }
  if (unsafeMethods.has(exchange.method)) {
    const refusal = crossOriginRefusal(exchange.request);
    if (refusal !== undefined) {
      throw new GatewayError('SB_ERR_AUTH_CSRF', { detail: refusal });
    }
    const presented = exchange.request.headers[csrfHeaderName];
    if (
      typeof presented !== 'string' ||
      !constantTimeEqual(Buffer.from(presented, 'utf8'), Buffer.from(session.csrfToken, 'utf8'))
    ) {
      throw new GatewayError('SB_ERR_AUTH_CSRF', {
        detail: `The ${csrfHeaderName} header is missing or does not match the session.`,
      });
    }
  }
  const ofRequest: SessionOfRequest = {
    id,
    principal: session.principal,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
  sessionsOfExchanges.set(exchange, ofRequest);
  return ofRequest;
}
