import type { UpstreamAuthorizer } from './upstream-authorizer.ts';

/** An authorizer that adds fixed headers (an API key in some header, or nothing). */
export function createStaticHeaderAuthorizer(
  headers: Readonly<Record<string, string>>,
): UpstreamAuthorizer {
  const frozen = Object.freeze({ ...headers });
  return { authorize: () => frozen };
}
