import type { Clock } from '../lib/clock.ts';
import type { CompiledPolicy } from '../pipeline/policy/compiled-policy.ts';
import { enforcePolicy } from '../pipeline/policy/enforce-policy.ts';
import type { ResolvedModelRequest } from './handle-model-request.ts';
import type { RequestContext } from './request-context.ts';

/**
 * Decides a resolved request under the policy in force (if any), records the decision on the
 * request, and returns the request to route: refused (throws `SB_ERR_POLICY_DENIED`), with
 * redacted strings, and with routing restricted so that every deployment of the plan (fallbacks
 * included) is one the decision allows.
 */
export function applyRequestPolicy(
  context: RequestContext,
  resolved: ResolvedModelRequest,
  policy: CompiledPolicy | undefined,
  clock: Clock,
): ResolvedModelRequest {
  if (policy === undefined) return resolved;
  const enforcement = enforcePolicy(policy, context.principal, resolved.envelope, clock);
  context.onPolicyDecision?.(enforcement.record);
  if (enforcement.denial !== undefined) {
    throw enforcement.denial;
  }
  return {
    ...resolved,
    envelope: enforcement.envelope,
    caller: { ...resolved.caller, policyAllows: enforcement.allows },
    outputGuard: enforcement.outputGuard,
    answerSchemaCheck: enforcement.answerSchemaCheck,
  };
}
