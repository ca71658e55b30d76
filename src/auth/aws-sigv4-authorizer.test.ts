import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../lib/clock.ts';
import { SecretValue } from '../lib/secret-value.ts';
import { createAwsSigV4Authorizer, type AwsCredentials } from './aws-sigv4-authorizer.ts';
import type { SignableRequest } from './upstream-authorizer.ts';

const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLE-session-token';

const credentials: AwsCredentials = {
  accessKeyId: new SecretValue('AKIDEXAMPLE'),
  secretAccessKey: new SecretValue(secretAccessKey),
  sessionToken: undefined,
  region: 'us-east-1',
};

const body = '{"messages":[{"role":"user","content":[{"text":"Hello ☃"}]}]}';

function bedrockRequest(overrides: Partial<SignableRequest> = {}): SignableRequest {
  return {
    method: 'POST',
    url: new URL(
      'https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-pro-v1%3A0/converse',
    ),
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'user-agent': 'signalbox',
    },
    body,
    ...overrides,
  };
}

// An independent SigV4 implementation from the specification, to check the signer against.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html

/** RFC 3986 percent-encoding, as SigV4 requires. */
function awsEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

interface Signed {
  readonly method: string;
  readonly url: URL;
  /** Every header as sent, lower-case names, `host` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The signature the specification gives for a request, over the headers its Authorization names.
 * The path is the one on the wire (already encoded once) and is encoded again, as every service
 * but S3 expects.
 */
function specSignature(
  request: Signed,
  secret: string,
  scope: { date: string; region: string; service: string },
  signedHeaders: readonly string[],
): string {
  const canonicalUri = request.url.pathname.split('/').map(awsEncode).join('/');
  const canonicalQuery = [...request.url.searchParams]
    .map(([name, value]) => [awsEncode(name), awsEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    request.headers['x-amz-date'] ?? '',
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const dateKey = hmac(`AWS4${secret}`, scope.date);
  const signingKey = hmac(hmac(hmac(dateKey, scope.region), scope.service), 'aws4_request');
  return hmac(signingKey, stringToSign).toString('hex');
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

/** Checks a signed request by recomputing its signature with the independent implementation. */
function verifies(
  request: SignableRequest,
  added: Readonly<Record<string, string>>,
  secret = secretAccessKey,
): boolean {
  const match = authorizationPattern.exec(added.authorization ?? '');
  if (match === null) return false;
  const [, , date = '', region = '', service = '', names = '', signature] = match;
  const headers = { ...request.headers, host: request.url.host, ...added };
  return (
    specSignature(
      { method: request.method, url: request.url, headers, body: request.body },
      secret,
      { date, region, service },
      names.split(';'),
    ) === signature
  );
}

async function sign(request: SignableRequest, awsCredentials = credentials) {
  return createAwsSigV4Authorizer(awsCredentials, systemClock).authorize(request);
}

describe('the independent SigV4 implementation used by these tests', () => {
  it('reproduces the AWS test suite vector get-vanilla', () => {
    // https://github.com/awslabs/aws-c-auth/tree/main/tests/aws-signing-test-suite/v4/get-vanilla
    expect(
      specSignature(
        {
          method: 'GET',
          url: new URL('https://example.amazonaws.com/'),
          headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
          body: '',
        },
        secretAccessKey,
        { date: '20150830', region: 'us-east-1', service: 'service' },
        ['host', 'x-amz-date'],
      ),
    ).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });
});

describe('createAwsSigV4Authorizer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2025, 0, 2, 3, 4, 5));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('adds only the Authorization and x-amz-* headers, scoped to bedrock in the region', async () => {
    const added = await sign(bedrockRequest());
    expect(Object.keys(added).sort()).toEqual([
      'authorization',
      'x-amz-content-sha256',
      'x-amz-date',
    ]);
    expect(added['x-amz-date']).toBe('20250102T030405Z');
    const match = authorizationPattern.exec(added.authorization ?? '');
    expect(match?.slice(1, 6)).toEqual([
      'AKIDEXAMPLE',
      '20250102',
      'us-east-1',
      'bedrock',
      // user-agent is not signed: proxies may change it.
      'accept;content-type;host;x-amz-content-sha256;x-amz-date',
    ]);
    expect(JSON.stringify(added)).not.toContain(secretAccessKey);
  });

  it('produces a signature the specification recomputes, over the double-encoded path', async () => {
    const request = bedrockRequest();
    const added = await sign(request);
    expect(verifies(request, added)).toBe(true);
    expect(verifies(request, added, 'another-secret')).toBe(false);
  });

  it('hashes exactly the body sent, so another body does not verify', async () => {
    const request = bedrockRequest();
    const added = await sign(request);
    expect(added['x-amz-content-sha256']).toBe(
      createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex'),
    );
    expect(verifies({ ...request, body: body.replace('Hello', 'Hellp') }, added)).toBe(false);
    expect(verifies({ ...request, body: `${body} ` }, added)).toBe(false);
    const other = await sign({ ...request, body: '{}' });
    expect(other.authorization).not.toBe(added.authorization);
  });

  it('covers the method, path, query and signed header values', async () => {
    const request = bedrockRequest({
      url: new URL('https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke?b=2&a=1%202'),
    });
    const added = await sign(request);
    expect(verifies(request, added)).toBe(true);
    expect(verifies({ ...request, method: 'PUT' }, added)).toBe(false);
    expect(
      verifies(
        {
          ...request,
          url: new URL(
            'https://bedrock-runtime.us-east-1.amazonaws.com/model/n/invoke?b=2&a=1%202',
          ),
        },
        added,
      ),
    ).toBe(false);
    expect(
      verifies(
        { ...request, headers: { ...request.headers, 'content-type': 'text/plain' } },
        added,
      ),
    ).toBe(false);
  });

  it('signs the host with its port, for endpoints such as a loopback mock', async () => {
    const request = bedrockRequest({ url: new URL('http://127.0.0.1:8080/model/echo/converse') });
    const added = await sign(request);
    expect(verifies(request, added)).toBe(true);
    expect(
      verifies({ ...request, url: new URL('http://127.0.0.1:8081/model/echo/converse') }, added),
    ).toBe(false);
  });

  it('sends and signs x-amz-security-token when a session token is given', async () => {
    const request = bedrockRequest();
    const added = await sign(request, {
      ...credentials,
      sessionToken: new SecretValue(sessionToken),
    });
    expect(added['x-amz-security-token']).toBe(sessionToken);
    expect(authorizationPattern.exec(added.authorization ?? '')?.[5]).toBe(
      'accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
    );
    expect(verifies(request, added)).toBe(true);
    expect(verifies(request, { ...added, 'x-amz-security-token': 'other' })).toBe(false);
  });

  it('sends no session token header without one', async () => {
    expect(await sign(bedrockRequest())).not.toHaveProperty('x-amz-security-token');
  });

  it('scopes the signature to the configured region and the signing day', async () => {
    const request = bedrockRequest();
    const added = await sign(request, { ...credentials, region: 'eu-central-1' });
    expect(added.authorization).toContain('/20250102/eu-central-1/bedrock/aws4_request, ');
    expect(verifies(request, added)).toBe(true);
    vi.setSystemTime(Date.UTC(2025, 0, 3, 0, 0, 0));
    const nextDay = await sign(request);
    expect(nextDay['x-amz-date']).toBe('20250103T000000Z');
    expect(nextDay.authorization).toContain('Credential=AKIDEXAMPLE/20250103/us-east-1/bedrock/');
    expect(verifies(request, nextDay)).toBe(true);
  });

  it('answers with a promise, signing each request anew', async () => {
    const authorizer = createAwsSigV4Authorizer(credentials, systemClock);
    const answer = authorizer.authorize(bedrockRequest());
    expect(answer).toBeInstanceOf(Promise);
    const first = await answer;
    const second = await authorizer.authorize(bedrockRequest({ body: '{"other":1}' }));
    expect(second.authorization).not.toBe(first.authorization);
  });
});
