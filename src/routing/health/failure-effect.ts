import type { ErrorClass } from '../error-class.ts';

/**
 * What a failed attempt does to its deployment's health:
 * - `breaker-failure`: the deployment is at fault; counts towards opening its circuit breaker.
 * - `cool-down`: the deployment is healthy but busy; it is skipped for a while instead.
 * - `neutral`: the request was at fault (or the client left, or the gateway itself failed); the
 *   deployment's health is unchanged.
 */
export type FailureEffect = 'breaker-failure' | 'cool-down' | 'neutral';

// A record over every class, so that a new class cannot be added without deciding its effect.
const effects: Readonly<Record<ErrorClass, FailureEffect>> = {
  'server-error': 'breaker-failure',
  overloaded: 'breaker-failure',
  timeout: 'breaker-failure',
  connection: 'breaker-failure',
  'invalid-response': 'breaker-failure',
  // A revoked or wrong credential fails every request until an operator acts: stop sending.
  auth: 'breaker-failure',
  // The provider does not serve the configured model: an operator's mistake, like auth.
  'not-found': 'breaker-failure',
  'rate-limited': 'cool-down',
  rejected: 'neutral',
  'context-length': 'neutral',
  'content-policy': 'neutral',
  // The deployment answered; its model did not follow the client's schema this time.
  'output-schema': 'neutral',
  // A cascade's checks found a cheaper model's answer not good enough: the deployment answered.
  'cascade-rejected': 'neutral',
  unsupported: 'neutral',
  'client-closed': 'neutral',
  // The gateway's own fault; blaming the deployment would hide the bug behind an open breaker.
  internal: 'neutral',
};

/** The effect of a failure of this class on the deployment's health. Pure. */
export function failureEffect(errorClass: ErrorClass): FailureEffect {
  return effects[errorClass];
}
