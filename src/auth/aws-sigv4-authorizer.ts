import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SecretValue } from '../lib/secret-value.ts';
import type { SignableRequest, UpstreamAuthorizer } from './upstream-authorizer.ts';

export interface AwsCredentials {
  readonly accessKeyId: SecretValue;
  readonly secretAccessKey: SecretValue;
  readonly sessionToken: SecretValue | undefined;
  readonly region: string;
}

/**
 * AWS Signature Version 4 for Bedrock (service `bedrock`), using the AWS Smithy signer: every
 * request is signed over its method, path, query, headers and body hash.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function createAwsSigV4Authorizer(credentials: AwsCredentials): UpstreamAuthorizer {
  const signer = new SignatureV4({
    service: 'bedrock',
    region: credentials.region,
    sha256: Sha256,
    credentials: () =>
      Promise.resolve({
        accessKeyId: credentials.accessKeyId.reveal(),
        secretAccessKey: credentials.secretAccessKey.reveal(),
        ...(credentials.sessionToken === undefined
          ? {}
          : { sessionToken: credentials.sessionToken.reveal() }),
      }),
  });
  return {
    async authorize(request: SignableRequest) {
      const query: Record<string, string> = {};
      for (const [name, value] of request.url.searchParams) {
        query[name] = value;
      }
      const signed = await signer.sign({
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port === '' ? {} : { port: Number(request.url.port) }),
        path: request.url.pathname,
        query,
        headers: { ...request.headers, host: request.url.host },
        body: request.body,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(signed.headers)) {
        if (name === 'authorization' || name.startsWith('x-amz-')) {
          headers[name] = value;
        }
      }
      return headers;
    },
  };
}
