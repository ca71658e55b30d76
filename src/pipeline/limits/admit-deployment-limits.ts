import { toGatewayError } from '../../errors/gateway-error.ts';
import { admitLimits, type LimitStores } from './admit-request-limits.ts';
import type { RateLimitRuleInput, RateLimitSubject } from './enforce-rate-limits.ts';

/** The answer for one deployment: go ahead (and say when done), or skip it with this error. */
export type DeploymentLimitAdmission =
  | { readonly admitted: true; readonly release: (actualTokens: number | undefined) => void }
  | { readonly admitted: false; readonly error: ReturnType<typeof toGatewayError> };

/**
 * Checks and charges a deployment's own rate and concurrency limits (`scope: deployment`) before
 * an attempt on it.
 * A deployment at its limit is refused with the limit's error (429 with Retry-After), so the
 * plan skips it; the request fails with that error only when every deployment was refused.
 * A store failure refuses too: the deployment is not tried blind. Token limits are corrected
 * by the actual usage on release.
 */
export async function admitDeploymentLimits(
  stores: LimitStores,
  rules: readonly RateLimitRuleInput[],
  subject: RateLimitSubject & { readonly deployment: string },
  estimatedTokens: number,
  leaseId: string,
): Promise<DeploymentLimitAdmission> {
  try {
    const admission = await admitLimits(stores, rules, subject, estimatedTokens, leaseId);
    return { admitted: true, release: (actualTokens) => admission.release(actualTokens) };
  } catch (error) {
    return { admitted: false, error: toGatewayError(error) };
  }
}
