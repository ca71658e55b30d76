import type { ErrorCode } from '../errors/error-codes.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

/**
 * What kind of failure an attempt ended in, as routing reasons about it: whether to retry the
 * same deployment, fall back to another, or give up.
 */
export const errorClasses = [
  'rate-limited',
  'overloaded',
  'server-error',
  'timeout',
  'connection',
  'auth',
  'not-found',
  'invalid-response',
  'unsupported',
  'context-length',
  'content-policy',
  'rejected',
  'output-schema',
  'cascade-rejected',
  'client-closed',
  'internal',
] as const;

export type ErrorClass = (typeof errorClasses)[number];

const classByCode: Readonly<Partial<Record<ErrorCode, ErrorClass>>> = {
  SB_ERR_UPSTREAM_RATE_LIMITED: 'rate-limited',
  SB_ERR_UPSTREAM_OVERLOADED: 'overloaded',
  SB_ERR_UPSTREAM_ERROR: 'server-error',
  SB_ERR_UPSTREAM_TIMEOUT: 'timeout',
  SB_ERR_UPSTREAM_CONNECTION: 'connection',
  SB_ERR_UPSTREAM_AUTH: 'auth',
  SB_ERR_UPSTREAM_INVALID_RESPONSE: 'invalid-response',
  SB_ERR_UPSTREAM_REDIRECT: 'invalid-response',
  SB_ERR_REQUEST_UNSUPPORTED_PARAMETER: 'unsupported',
  SB_ERR_UPSTREAM_CONTEXT_LENGTH: 'context-length',
  SB_ERR_UPSTREAM_CONTENT_POLICY: 'content-policy',
  SB_ERR_UPSTREAM_REJECTED_REQUEST: 'rejected',
  SB_ERR_OUTPUT_SCHEMA_INVALID: 'output-schema',
  SB_ERR_CASCADE_REJECTED: 'cascade-rejected',
  SB_ERR_CLIENT_CLOSED: 'client-closed',
};

/**
 * The class of a gateway error. Pure. A provider's 404 (it does not serve the configured model
 * or operation) is `not-found`: retrying cannot help, another deployment may.
 */
export function classifyError(error: GatewayError): ErrorClass {
  if (error.code === 'SB_ERR_UPSTREAM_ERROR' && error.upstreamStatus === 404) {
    return 'not-found';
  }
  return classByCode[error.code] ?? 'internal';
}

/**
 * Classes worth another try on the same deployment after a pause: the provider was busy, failing
 * or unreachable for a moment. Everything else would fail the same way again.
 */
const retryableClasses: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  'rate-limited',
  'overloaded',
  'server-error',
  'timeout',
  'connection',
]);

/** Whether a failure of this class may be retried on the same deployment. Pure. */
export function isRetryable(errorClass: ErrorClass): boolean {
  return retryableClasses.has(errorClass);
}

/**
 * Classes that fall back to the next target unless a group says otherwise. A content-policy
 * refusal does not: another model answering what one refused is a decision for the operator.
 * `rejected` (the provider found the request invalid) would fail the same way elsewhere.
 */
export const defaultFallbackClasses: readonly ErrorClass[] = [
  'rate-limited',
  'overloaded',
  'server-error',
  'timeout',
  'connection',
  'auth',
  'not-found',
  'invalid-response',
  'unsupported',
  'context-length',
  // The answer did not match the client's JSON schema (a policy's `output.json_schema`).
  'output-schema',
];

/** Classes an operator may list in `fallback_on`. */
export const configurableFallbackClasses = [
  ...defaultFallbackClasses,
  'content-policy',
  'rejected',
] as const satisfies readonly ErrorClass[];
