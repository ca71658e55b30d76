import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { compactVerify } from 'jose';
import { createHash, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';

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
const awsAuthorization =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const invalidSecurityToken = 'The security token included in the request is invalid.';
/** AWS accepts a signing time up to five minutes away from its own clock. */
const awsClockSkewMs = 5 * 60_000;
/** Google accepts assertions issued up to this long in the future (clock skew). */
const jwtClockSkewSeconds = 300;

interface AwsFailure {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

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

/**
 * A Bedrock authentication error: `{"message": ...}` with the type in `x-amzn-errortype`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
function sendAwsError(response: ServerResponse, failure: AwsFailure): void {
  const type = `${failure.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`;
  const headers = { 'x-amzn-errortype': type, 'x-amzn-requestid': 'mock-aws-request' };
  sendJson(response, failure.status, { message: failure.message }, headers);
}

function decodeJwtPart(part: string): JsonObject | undefined {
  const parsed = safeParseJson(Buffer.from(part, 'base64url').toString('utf8'));
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

function equalSecrets(expected: string, received: string): boolean {
  const left = Buffer.from(expected);
  const right = Buffer.from(received);
  return left.length === right.length && timingSafeEqual(left, right);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20250102T030405Z` as epoch milliseconds, or undefined when it is not that format. */
function parseAmzDate(value: string | undefined): number | undefined {
  const iso = /^\d{8}T\d{6}Z$/.test(value ?? '')
    ? (value ?? '').replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')
    : '';
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
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

  /**
   * Recomputes a SigV4 signature over the method, path, query, the signed headers and the body
   * for the credential scope the request names; undefined when it matches.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
   */
  async function checkAwsSignature(
    request: IncomingMessage,
    body: string,
    authorization: string,
    secretAccessKey: string,
  ): Promise<AwsFailure | undefined> {
    const incomplete = (message: string): AwsFailure => ({
      status: 400,
      type: 'IncompleteSignatureException',
      message,
    });
    const mismatch = (message = signatureMismatch): AwsFailure => ({
      status: 403,
      type: 'InvalidSignatureException',
      message,
    });
    const fields = awsAuthorization.exec(authorization);
    const scope = fields?.[1]?.split('/') ?? [];
    const [accessKeyId = '', , region = '', service = '', terminator] = scope;
    if (fields === null || scope.length !== 5 || terminator !== 'aws4_request') {
      return incomplete(
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters with a scope <date>/<region>/<service>/aws4_request.",
      );
    }
    if (service !== 'bedrock') {
      return mismatch("Credential should be scoped to correct service: 'bedrock'.");
    }
    const amzDate = headerText(request.headers['x-amz-date']);
    const signingTime = parseAmzDate(amzDate);
    if (signingTime === undefined) {
      return incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    if (Math.abs(clock.now() - signingTime) > awsClockSkewMs) {
      return mismatch(`Signature expired: ${amzDate ?? ''} is not within five minutes of now.`);
    }
    const token = headerText(request.headers['x-amz-security-token']);
    if (options.awsSessionToken !== undefined && token !== options.awsSessionToken) {
      return { status: 403, type: 'UnrecognizedClientException', message: invalidSecurityToken };
    }
    const contentHash = headerText(request.headers['x-amz-content-sha256']);
    if (
      contentHash !== undefined &&
      contentHash !== createHash('sha256').update(body, 'utf8').digest('hex')
    ) {
      return mismatch(
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    const signedNames = (fields[2] ?? '').split(';');
    if (!signedNames.includes('host')) {
      return mismatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    const headers: Record<string, string> = {};
    for (const name of signedNames) {
      const value = headerText(request.headers[name]);
      if (value === undefined) return mismatch();
      headers[name] = value;
    }
    const target = request.url ?? '';
    const queryStart = target.indexOf('?');
    const query: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(
      queryStart >= 0 ? target.slice(queryStart) : '',
    )) {
      (query[name] ??= []).push(value);
    }
    const signer = new SignatureV4({
      service,
      region,
      sha256: Sha256,
      applyChecksum: false,
      credentials: { accessKeyId, secretAccessKey },
    });
    const expected = await signer.sign(
      {
        method: request.method ?? '',
        protocol: 'http:',
        hostname: (headers.host ?? '').replace(/:\d+$/, ''),
        path: queryStart >= 0 ? target.slice(0, queryStart) : target,
        query,
        headers,
        body,
      },
      { signingDate: new Date(signingTime), signableHeaders: new Set(signedNames) },
    );
    return equalSecrets(expected.headers.authorization ?? '', authorization)
      ? undefined
      : mismatch();
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
      ? await checkAwsSignature(request, body, authorization, secret)
      : { status: 403, type: 'UnrecognizedClientException', message: invalidSecurityToken };
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
