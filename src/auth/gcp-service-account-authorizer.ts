import { importPKCS8, SignJWT } from 'jose';
import type { Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import { CachedAccessToken } from './cached-access-token.ts';
import type { TokenTransport, UpstreamAuthorizer } from './upstream-authorizer.ts';

/** The fields of a Google service-account key file that the token exchange uses. */
export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly privateKey: string;
  readonly tokenUri: string;
}

const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/** Reads a service-account key file's JSON; throws an error that names what is missing (never the key). */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  const parsed = safeParseJson(json);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    throw new Error('the service account key is not JSON');
  }
  const key = parsed.value;
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new Error('the service account key has no client_email or private_key');
  }
  return {
    clientEmail: key.client_email,
    privateKey: key.private_key,
    tokenUri:
      typeof key.token_uri === 'string' ? key.token_uri : 'https://oauth2.googleapis.com/token',
  };
}

/**
 * Google OAuth 2.0 for service accounts: signs a JWT assertion with the key (RS256) and exchanges
 * it at the key's `token_uri` for an access token, which is cached and refreshed a minute before
 * it expires. Requests carry `Authorization: Bearer <token>`.
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 */
export function createGcpServiceAccountAuthorizer(
  key: ServiceAccountKey,
  transport: TokenTransport,
  clock: Clock,
): UpstreamAuthorizer {
  let signingKey: ReturnType<typeof importPKCS8> | undefined;
  const token = new CachedAccessToken(async () => {
    signingKey ??= importPKCS8(key.privateKey, 'RS256');
    const issuedAt = Math.floor(clock.now() / 1000);
    const assertion = await new SignJWT({ scope: cloudPlatformScope })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(key.clientEmail)
      .setSubject(key.clientEmail)
      .setAudience(key.tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(await signingKey);
    const answer = await transport({
      url: new URL(key.tokenUri),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
    });
    return readTokenAnswer(answer, clock);
  }, clock);
  return {
    authorize() {
      const value = token.get();
      return typeof value === 'string'
        ? { authorization: `Bearer ${value}` }
        : value.then((resolved) => ({ authorization: `Bearer ${resolved}` }));
    },
  };
}

/** Reads `{access_token, expires_in}` from an OAuth token answer. */
export function readTokenAnswer(
  answer: unknown,
  clock: Clock,
): { token: string; expiresAt: number } {
  if (!isJsonObject(answer) || typeof answer.access_token !== 'string') {
    throw new Error('the token endpoint did not return an access token');
  }
  const lifetime =
    typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in ?? 3600);
  return {
    token: answer.access_token,
    expiresAt: clock.now() + (Number.isFinite(lifetime) ? lifetime : 3600) * 1000,
  };
}
