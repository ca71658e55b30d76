import { z } from 'zod';

/** An HTTP header name as configuration may give one. */
export const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,128}$/, 'is not a valid HTTP header name');

/**
 * An absolute http(s) URL without credentials in it (`credentialsHint` says where they go
 * instead), and, unless `allowQuery`, without a query string or fragment.
 */
export function httpUrlSchema(options: {
  readonly credentialsHint: string;
  readonly allowQuery: boolean;
}) {
  return z.string().superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      context.addIssue({ code: 'custom', message: 'must use http or https' });
    }
    if (url.username !== '' || url.password !== '') {
      context.addIssue({
        code: 'custom',
        message: `must not contain credentials; ${options.credentialsHint}`,
      });
    }
    if (!options.allowQuery && (url.search !== '' || url.hash !== '')) {
      context.addIssue({ code: 'custom', message: 'must not contain a query string or fragment' });
    }
  });
}
