import { toGatewayError } from '../../errors/gateway-error.ts';
import type { RateLimitStore } from '../../storage/ports.ts';
import {
  enforceRateLimits,
  type RateLimitRuleInput,
  type RateLimitSubject,
} from './enforce-rate-limits.ts';

/** The answer for one deployment: go ahead (and say when done), or skip it with this error. */
export type DeploymentLimitAdmission =
  | { readonly admitted: true; readonly release: (actualTokens: number | undefined) => void }
  | { readonly admitted: false; readonly error: ReturnType<typeof toGatewayError> };

/**
 * Checks and charges a deployment's own limits (`scope: deployment`) before an attempt on it.
 * A deployment at its limit is refused with the limit's error (429 with Retry-After), so the
 * plan skips it; the request fails with that error only when every deployment was refused.
 * A store failure refuses too: the deployment is not tried blind. Token limits are corrected
 * by the actual usage on release.
 */
export async function admitDeploymentLimits(
  store: RateLimitStore,
  rules: readonly RateLimitRuleInput[],
  subject: RateLimitSubject & { readonly deployment: string },
  estimatedTokens: number,
): Promise<DeploymentLimitAdmission> {
  try {
    const admission = await enforceRateLimits(store, rules, subject, estimatedTokens);
    return {
      admitted: true,
      release: (actualTokens) => void admission.settle(actualTokens),
    };
  } catch (error) {
    return { admitted: false, error: toGatewayError(error) };
  }
}
