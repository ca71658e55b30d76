import type { CompiledPolicy } from './compiled-policy.ts';
import type { PolicyRule, PolicyTarget } from './policy-schema.ts';

/** Who is calling, as policies see it. */
export interface PolicyIdentity {
  readonly role: string;
  readonly org: string;
  readonly team: string | undefined;
  readonly user: string | undefined;
  readonly keyTags: readonly string[];
}

/** What the detectors found in the request. */
export interface PolicyContent {
  readonly dataClasses: ReadonlySet<string>;
  /** Undefined when the injection detector did not run. */
  readonly injectionScore: number | undefined;
  /** True when a detector failed or ran out of its time budget. */
  readonly detectorFailed: boolean;
}

/** A deployment as policies see it. */
export interface PolicyDeployment {
  readonly providerId: string;
  readonly region: string | undefined;
  readonly tags: readonly string[];
}

/** The decision for one request under one policy version. */
export interface PolicyDecision {
  readonly policyName: string;
  readonly policyVersion: string;
  /** `deny` refuses the request; otherwise it goes ahead with the effects below. */
  readonly outcome: 'permit' | 'deny';
  /** For the caller, on deny. */
  readonly reason: string | undefined;
  /** Every rule that matched, in document order (the audit record names them). */
  readonly matchedRules: readonly string[];
  /** Data classes to redact before any model sees the request, with how. */
  readonly redactions: ReadonlyMap<string, 'mask' | 'remove'>;
  /** Every deployment tried (fallbacks included) must satisfy all of these... */
  readonly restrictions: readonly PolicyTarget[];
  /** ...and none of these. */
  readonly exclusions: readonly PolicyTarget[];
  /** Rules of action `flag` that matched: recorded, nothing else. */
  readonly flags: readonly string[];
}

function anyOf(values: readonly string[] | undefined, actual: string | undefined): boolean {
  return values === undefined || (actual !== undefined && values.includes(actual));
}

function identityMatches(rule: PolicyRule, identity: PolicyIdentity): boolean {
  const condition = rule.when.identity;
  if (condition === undefined) return true;
  return (
    anyOf(condition.roles, identity.role) &&
    anyOf(condition.teams, identity.team) &&
    anyOf(condition.users, identity.user) &&
    anyOf(condition.orgs, identity.org) &&
    (condition.key_tags === undefined ||
      condition.key_tags.some((tag) => identity.keyTags.includes(tag)))
  );
}

/** Whether the rule looks at what the detectors found. */
function dependsOnContent(rule: PolicyRule): boolean {
  return rule.when.data_classes !== undefined || rule.when.injection_score_at_least !== undefined;
}

function contentMatches(rule: PolicyRule, content: PolicyContent): boolean {
  const classes = rule.when.data_classes;
  if (classes !== undefined && !classes.some((name) => content.dataClasses.has(name))) {
    return false;
  }
  const threshold = rule.when.injection_score_at_least;
  return (
    threshold === undefined ||
    (content.injectionScore !== undefined && content.injectionScore >= threshold)
  );
}

/** Whether a deployment has every attribute a target names. */
export function deploymentMatches(target: PolicyTarget, deployment: PolicyDeployment): boolean {
  return (
    (target.providers === undefined || target.providers.includes(deployment.providerId)) &&
    (target.regions === undefined ||
      (deployment.region !== undefined && target.regions.includes(deployment.region))) &&
    (target.deployment_tags === undefined ||
      target.deployment_tags.every((tag) => deployment.tags.includes(tag)))
  );
}

/** Whether a decision lets a request reach this deployment. */
export function deploymentAllowed(decision: PolicyDecision, deployment: PolicyDeployment): boolean {
  return (
    decision.restrictions.every((target) => deploymentMatches(target, deployment)) &&
    !decision.exclusions.some((target) => deploymentMatches(target, deployment))
  );
}

const detectorFailureReason =
  'The content checks this policy requires could not be completed, so the request was refused.';

/**
 * Decides a request under a policy. Every rule whose conditions hold applies; a `deny` (without
 * a target) overrides everything else, like a forbid over a permit. The other actions add up:
 * redactions (per class), routing restrictions and exclusions (which the plan and every fallback
 * obey), and flags. When no rule matched, the document's `default` applies. When the detectors
 * failed, every rule that depends on content and whose identity matches decides by its
 * `on_detector_error` (else the document's `detectors.on_error`): `deny` refuses (fail closed),
 * `ignore` treats the rule as not matching. Pure.
 */
export function evaluatePolicy(
  policy: CompiledPolicy,
  identity: PolicyIdentity,
  content: PolicyContent,
): PolicyDecision {
  const matchedRules: string[] = [];
  const redactions = new Map<string, 'mask' | 'remove'>();
  const restrictions: PolicyTarget[] = [];
  const exclusions: PolicyTarget[] = [];
  const flags: string[] = [];
  let denial: string | undefined;
  for (const rule of policy.document.rules) {
    if (!identityMatches(rule, identity)) continue;
    if (dependsOnContent(rule) && content.detectorFailed) {
      const onError = rule.on_detector_error ?? policy.document.detectors.on_error;
      if (onError === 'deny') {
        matchedRules.push(rule.name);
        denial ??= detectorFailureReason;
      }
      continue;
    }
    if (!contentMatches(rule, content)) continue;
    matchedRules.push(rule.name);
    switch (rule.action) {
      case 'deny':
        if (rule.when.target === undefined) {
          denial ??= rule.reason ?? 'Refused by policy.';
        } else {
          exclusions.push(rule.when.target);
        }
        break;
      case 'redact':
        for (const name of rule.redact?.classes ?? []) {
          // Removal is the stronger of the two when rules disagree.
          if (redactions.get(name) !== 'remove') {
            redactions.set(name, rule.redact?.style ?? 'mask');
          }
        }
        break;
      case 'restrict':
        if (rule.restrict !== undefined) restrictions.push(rule.restrict);
        break;
      case 'flag':
        flags.push(rule.name);
        break;
      case 'permit':
        break;
    }
  }
  if (denial === undefined && matchedRules.length === 0 && policy.document.default === 'deny') {
    denial = policy.document.default_reason ?? 'Refused by policy: no rule permits this request.';
  }
  return {
    policyName: policy.name,
    policyVersion: policy.version,
    outcome: denial === undefined ? 'permit' : 'deny',
    reason: denial,
    matchedRules,
    redactions: denial === undefined ? redactions : new Map(),
    restrictions,
    exclusions,
    flags,
  };
}
