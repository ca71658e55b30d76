import { compactVerify } from 'jose';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';
import {
  checkAwsSignature,
  equalSecrets,
  sendAwsError,
  unrecognizedClient,
} from './mock-aws-signature.ts';

/** The credentials the mock demands and the identity providers it imitates. All optional. */
export interface MockCredentialOptions {
  /**
   * When set, requests must carry this key: as `Authorization: Bearer`, `x-api-key`, `api-key` or
   * `x-goog-api-key`, whichever the dialect uses. Tokens the mock issued are accepted too.
   */
  readonly apiKey?: string;
  /** When set, requests signed with AWS SigV4 must use this access key id. */
  readonly awsAccessKeyId?: string;
  /** With `awsAccessKeyId`: SigV4 signatures are recomputed with this secret and must match. */
  readonly awsSecretAccessKey?: string;
  /** With `awsSecretAccessKey`: signed requests must carry this `x-amz-security-token`. */
  readonly awsSessionToken?: string;
  /** The service account's public key (PEM): `POST /token` then verifies assertion signatures. */
  readonly gcpPublicKeyPem?: string;
  /** When set, `POST /token` accepts only assertions issued by this service account. */
  readonly gcpClientEmail?: string;
  /** When set, the Entra token endpoint knows only this tenant. */
  readonly azureTenantId?: string;
  /** When set, the Entra token endpoint knows only this application (client) id. */
  readonly azureClientId?: string;
  /** When set, the Entra token endpoint accepts only this client secret. */
  readonly azureClientSecret?: string;
  /** Lifetime of issued access tokens. Default 3599 s, as Google and Entra answer. */
  readonly tokenLifetimeSeconds?: number;
}

/** How the mock accepted a request's credentials, or `refused`. */
export type MockCredential =
  'open' | 'api-key' | 'issued-token' | 'aws-sigv4' | 'aws-sigv4-verified' | 'refused';

/** The verdict on one request's credentials. */
export interface MockAuthorization {
  readonly credential: MockCredential;
  /** Writes a refusal in a provider-specific shape (AWS); when absent the dialect's 401 is sent. */
  readonly refuse?: (response: ServerResponse) => void;
}

/** Requests received by each token endpoint, refused ones included. */
export interface MockTokenCounts {
  readonly google: number;
  readonly entra: number;
}

/** The mock's identity-provider side: token endpoints, issued tokens and credential checks. */
export interface MockTokenEndpoints {
  /** Whether the request goes to a token endpoint (which needs no credentials). */
  handles(method: string, path: string): boolean;
  /** Answers a token request; call only when `handles` said yes. */
  serve(request: IncomingMessage, response: ServerResponse, body: string): Promise<void>;
  /** Checks an API request's credentials: API key, a token the mock issued, or AWS SigV4. */
  authorize(request: IncomingMessage, body: string): Promise<MockAuthorization>;
  readonly tokenRequests: MockTokenCounts;
}

const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';
const cognitiveServicesScope = 'https://cognitiveservices.azure.com/.default';
const entraTokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
/** Google accepts assertions issued up to this long in the future (clock skew). */
const jwtClockSkewSeconds = 300;

function sendJson(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

function decodeJwtPart(part: string): JsonObject | undefined {
  const parsed = safeParseJson(Buffer.from(part, 'base64url').toString('utf8'));
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

/**
 * Starts the mock's identity-provider side: Google's OAuth 2.0 token endpoint for service
 * accounts (`POST /token`), Microsoft Entra ID's client-credentials endpoint
 * (`POST /{tenant}/oauth2/v2.0/token`), and the checks that let API requests in. Issued tokens
 * expire by the given clock.
 */
export function createMockTokenEndpoints(
  options: MockCredentialOptions,
  clock: Clock,
): MockTokenEndpoints {
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const issued = new Map<string, number>();
  const counts = { google: 0, entra: 0 };
  let gcpPublicKey: KeyObject | undefined;

  function issue(prefix: string): string {
    const token = `${prefix}${issued.size + 1}.${clock.now().toString(36)}`;
    issued.set(token, clock.now() + lifetime * 1000);
    return token;
  }

  /**
   * Google's token endpoint for the JWT bearer grant: checks the assertion's structure, RS256
   * signature (with the configured public key), issuer, scope, audience and lifetime.
   * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
   */
  async function serveGoogle(request: IncomingMessage, response: ServerResponse, body: string) {
    counts.google += 1;
    const refuse = (description: string, error = 'invalid_grant'): void =>
      sendJson(response, 400, { error, error_description: description });
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type');
    if (grantType !== jwtBearerGrant) {
      refuse(`Invalid grant_type: ${grantType ?? ''}`, 'unsupported_grant_type');
      return;
    }
    const assertion = form.get('assertion') ?? '';
    const parts = assertion.split('.');
    const [header, claims] = parts.slice(0, 2).map(decodeJwtPart);
    if (
      parts.length !== 3 ||
      !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part)) ||
      header === undefined ||
      claims === undefined
    ) {
      refuse('Invalid JWT: the assertion is not a signed JWT.');
      return;
    }
    if (header.alg !== 'RS256') {
      refuse('Invalid JWT: the signing algorithm must be RS256.');
      return;
    }
    if (options.gcpPublicKeyPem !== undefined) {
      gcpPublicKey ??= createPublicKey(options.gcpPublicKeyPem);
      try {
        await compactVerify(assertion, gcpPublicKey, { algorithms: ['RS256'] });
      } catch {
        refuse('Invalid JWT Signature.');
        return;
      }
    }
    const audience = `http://${request.headers.host ?? ''}${request.url ?? ''}`;
    const now = clock.now() / 1000;
    if (typeof claims.iss !== 'string' || claims.iss === '') {
      refuse('Invalid JWT: the iss claim is missing.');
    } else if (options.gcpClientEmail !== undefined && claims.iss !== options.gcpClientEmail) {
      refuse('Invalid grant: account not found');
    } else if (
      typeof claims.scope !== 'string' ||
      !claims.scope.split(' ').includes(cloudPlatformScope)
    ) {
      refuse('Invalid OAuth scope or ID token audience provided.', 'invalid_scope');
    } else if (claims.aud !== audience) {
      refuse(`Invalid JWT: Failed audience check. The right audience is ${audience}`);
    } else if (
      typeof claims.iat !== 'number' ||
      typeof claims.exp !== 'number' ||
      claims.exp <= claims.iat ||
      claims.exp - claims.iat > 3600 ||
      claims.iat > now + jwtClockSkewSeconds ||
      claims.exp < now
    ) {
      refuse(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    } else {
      sendJson(response, 200, {
        access_token: issue('ya29.mock-google-'),
        expires_in: lifetime,
        token_type: 'Bearer',
      });
    }
  }

  /**
   * Microsoft Entra ID's token endpoint for the client-credentials grant with a client secret.
   * Errors carry the `AADSTS` code in `error_codes`, as Entra's do.
   * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#error-response
   */
  function serveEntra(tenant: string, response: ServerResponse, body: string): void {
    counts.entra += 1;
    const form = new URLSearchParams(body);
    const clientId = form.get('client_id');
    const clientSecret = form.get('client_secret');
    const grantType = form.get('grant_type');
    const scope = form.get('scope');
    const refuse = (status: number, error: string, code: number, message: string): void => {
      const timestamp = new Date(clock.now()).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
      const traceId = `00000000-0000-4000-8000-${String(counts.entra).padStart(12, '0')}`;
      sendJson(response, status, {
        error,
        error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${traceId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: traceId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      });
    };
    const missing = (name: string): void =>
      refuse(
        400,
        'invalid_request',
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
    const knownTenant = options.azureTenantId;
    if (knownTenant !== undefined && tenant !== encodeURIComponent(knownTenant)) {
      refuse(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    } else if (grantType === null) {
      missing('grant_type');
    } else if (grantType !== 'client_credentials') {
      refuse(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    } else if (clientId === null) {
      missing('client_id');
    } else if (options.azureClientId !== undefined && clientId !== options.azureClientId) {
      refuse(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
    } else if (clientSecret === null) {
      refuse(
        401,
        'invalid_client',
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
      );
    } else if (
      options.azureClientSecret !== undefined &&
      !equalSecrets(options.azureClientSecret, clientSecret)
    ) {
      refuse(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    } else if (scope === null) {
      missing('scope');
    } else if (scope !== cognitiveServicesScope) {
      refuse(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    } else {
      sendJson(response, 200, {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: issue('mock-entra-'),
      });
    }
  }

  async function authorizeAws(
    request: IncomingMessage,
    body: string,
    authorization: string,
  ): Promise<MockAuthorization> {
    const keyId = options.awsAccessKeyId;
    const secret = options.awsSecretAccessKey;
    if (keyId === undefined) return { credential: 'aws-sigv4' };
    const knownKey = authorization.includes(`Credential=${keyId}/`);
    if (secret === undefined) return { credential: knownKey ? 'aws-sigv4' : 'refused' };
    const failure = knownKey
      ? await checkAwsSignature(
          request,
          body,
          authorization,
          { secretAccessKey: secret, sessionToken: options.awsSessionToken },
          clock,
        )
      : unrecognizedClient;
    return failure === undefined
      ? { credential: 'aws-sigv4-verified' }
      : { credential: 'refused', refuse: (response) => sendAwsError(response, failure) };
  }

  return {
    handles: (method, path) =>
      method === 'POST' && (path === '/token' || entraTokenPath.test(path)),
    async serve(request, response, body) {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const entra = entraTokenPath.exec(path);
      if (entra === null) {
        await serveGoogle(request, response, body);
        return;
      }
      // The tenant as sent: clients percent-encode it as one path segment.
      serveEntra(entra[1] ?? '', response, body);
    },
    async authorize(request, body) {
      const headers = request.headers;
      const authorization = headers.authorization ?? '';
      if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
        return authorizeAws(request, body, authorization);
      }
      const expiresAt = issued.get(/^Bearer (.+)$/.exec(authorization)?.[1] ?? '');
      if (expiresAt !== undefined) {
        return { credential: expiresAt > clock.now() ? 'issued-token' : 'refused' };
      }
      const key = options.apiKey;
      if (key === undefined) return { credential: 'open' };
      return {
        credential:
          authorization === `Bearer ${key}` ||
          headers['x-api-key'] === key ||
          headers['api-key'] === key ||
          headers['x-goog-api-key'] === key
            ? 'api-key'
            : 'refused',
      };
    },
    get tokenRequests() {
      return { ...counts };
    },
  };
}
