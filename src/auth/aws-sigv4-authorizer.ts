import type * as AwsSha256 from '@aws-crypto/sha256-js';
import type * as SmithySignatureV4 from '@smithy/signature-v4';
import type { Clock } from '../lib/clock.ts';
import { loadPackage } from '../lib/load-package.ts';
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
 * request is signed over its method, path, query (repeated names included), headers and body
 * hash, at the gateway clock's time. The signer's packages load with the first Bedrock provider.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function createAwsSigV4Authorizer(
  credentials: AwsCredentials,
  clock: Clock,
): UpstreamAuthorizer {
  const { SignatureV4 } = loadPackage('@smithy/signature-v4') as typeof SmithySignatureV4;
  const { Sha256 } = loadPackage('@aws-crypto/sha256-js') as typeof AwsSha256;
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
      const query: Record<string, string | string[]> = {};
      for (const name of new Set(request.url.searchParams.keys())) {
        const values = request.url.searchParams.getAll(name);
        query[name] = values.length === 1 ? (values[0] ?? '') : values;
      }
      const signed = await signer.sign(
        {
          method: request.method,
          protocol: request.url.protocol,
          hostname: request.url.hostname,
          ...(request.url.port === '' ? {} : { port: Number(request.url.port) }),
          path: request.url.pathname,
          query,
          headers: { ...request.headers, host: request.url.host },
          body: request.body,
        },
        { signingDate: new Date(clock.now()) },
      );
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
