import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../lib/clock.ts';

const awsAuthorization =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const invalidSecurityToken = 'The security token included in the request is invalid.';
/** AWS accepts a signing time up to five minutes away from its own clock. */
const awsClockSkewMs = 5 * 60_000;

/**
 * The mock's check of AWS Signature Version 4 requests (Bedrock): recomputes the signature with
 * the shared secret, as AWS does, and answers failures in Bedrock's error shape.
 */

/** Why the mock refuses a SigV4 request, in Bedrock's terms. */
export interface AwsFailure {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** The refusal for an access key the mock does not know. */
export const unrecognizedClient: AwsFailure = {
  status: 403,
  type: 'UnrecognizedClientException',
  message: invalidSecurityToken,
};

/**
 * A Bedrock authentication error: `{"message": ...}` with the type in `x-amzn-errortype`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
export function sendAwsError(response: ServerResponse, failure: AwsFailure): void {
  const text = JSON.stringify({ message: failure.message });
  response.writeHead(failure.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-errortype': `${failure.type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
    'x-amzn-requestid': 'mock-aws-request',
  });
  response.end(text);
}

/** Compares two secrets in constant time. */
export function equalSecrets(expected: string, received: string): boolean {
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
 * Recomputes a SigV4 signature over the method, path, query, the signed headers and the body
 * for the credential scope the request names; undefined when it matches.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export async function checkAwsSignature(
  request: IncomingMessage,
  body: string,
  authorization: string,
  expected: { readonly secretAccessKey: string; readonly sessionToken: string | undefined },
  clock: Clock,
): Promise<AwsFailure | undefined> {
  const secretAccessKey = expected.secretAccessKey;
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
  if (expected.sessionToken !== undefined && token !== expected.sessionToken) {
    return { status: 403, type: 'UnrecognizedClientException', message: invalidSecurityToken };
  }
  const contentHash = headerText(request.headers['x-amz-content-sha256']);
  if (
    contentHash !== undefined &&
    contentHash !== createHash('sha256').update(body, 'utf8').digest('hex')
  ) {
    return mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
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
  const computed = await signer.sign(
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
  return equalSecrets(computed.headers.authorization ?? '', authorization) ? undefined : mismatch();
}
