import type { PolicyDecisionRecord } from '../../canonical/policy-decision-record.ts';
import type { AnswerSchemaCheck } from '../../canonical/answer-schema-check.ts';
import type { ResponseFormat } from '../../canonical/chat-request.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { findJsonObjectMembers } from '../../lib/json-object-members.ts';
import type { Detector } from '../guardrails/detector.ts';
import type { Finding } from '../guardrails/finding.ts';
import { detectInjection } from '../guardrails/injection/detect-injection.ts';
import { compileOperatorClasses } from '../guardrails/operator-classes.ts';
import { redact } from '../guardrails/redact.ts';
import { startScanBudget } from '../guardrails/scan-budget.ts';
import { scanText } from '../guardrails/scan-text.ts';
import type { Principal } from '../identity/principal.ts';
import { compileAnswerSchemaCheck } from './answer-schema-check.ts';
import type { CompiledPolicy } from './compiled-policy.ts';
import {
  deploymentAllowed,
  evaluatePolicy,
  type PolicyDecision,
  type PolicyDeployment,
} from './evaluate-policy.ts';
import { OutputGuard } from './output-guard.ts';
import { collectRequestStrings, replaceRequestStrings } from './request-strings.ts';

/** A request after its policy decision. */
export interface PolicyEnforcement {
  readonly record: PolicyDecisionRecord;
  /** Set when the request is refused: throw it (after recording). */
  readonly denial: GatewayError | undefined;
  /** The request to send: the original, or a copy with redacted strings. */
  readonly envelope: ModelRequestEnvelope;
  /** Whether the decision lets the request reach a deployment (every attempt, fallbacks too). */
  readonly allows: (deployment: PolicyDeployment) => boolean;
  /** A new answer guard per attempt, when the policy guards answers (`output`). */
  readonly outputGuard: (() => OutputGuard) | undefined;
  /**
   * When the policy validates structured output (`output.json_schema`): the check for the output
   * format the client asked for (undefined when it asked for none). Throws `GatewayError` (400)
   * for a schema that cannot be run safely.
   */
  readonly answerSchemaCheck:
    ((format: ResponseFormat | undefined) => AnswerSchemaCheck | undefined) | undefined;
}

/** Answer guard time budget per check: answers are the gateway's own text, not a client's. */
const outputScanBudgetMs = 1_000;

/** The answer guard of a policy, or undefined when it has none. */
function outputGuardOf(policy: CompiledPolicy, clock: Clock): (() => OutputGuard) | undefined {
  const output = policy.output;
  if (output === undefined) return undefined;
  const guarded = new Set(output.classes);
  const operatorClasses = new Map(
    [...operatorClassesOf(policy)].filter(([name]) => guarded.has(name)),
  );
  const detect = (text: string): readonly Finding[] =>
    scanText(text, {
      classes: output.classes,
      operatorClasses,
      timeBudgetMs: outputScanBudgetMs,
      clock,
    }).findings.filter((finding) => guarded.has(finding.type));
  return () => new OutputGuard({ detect, holdBack: output.holdBack, action: output.action });
}

/** The structured-output check of a policy, or undefined when it validates none. */
function answerSchemaCheckOf(policy: CompiledPolicy): PolicyEnforcement['answerSchemaCheck'] {
  const outputSchema = policy.outputSchema;
  if (outputSchema === undefined) return undefined;
  return (format) => compileAnswerSchemaCheck(format, outputSchema.onInvalid);
}

const operatorDetectors = new WeakMap<CompiledPolicy, ReadonlyMap<string, Detector>>();

/** The operator-defined classes of a policy, compiled once per policy version. */
function operatorClassesOf(policy: CompiledPolicy): ReadonlyMap<string, Detector> {
  let detectors = operatorDetectors.get(policy);
  if (detectors === undefined) {
    const compiled = compileOperatorClasses(
      policy.document.detectors.patterns.map((entry) => ({
        id: entry.class,
        pattern: entry.pattern,
      })),
      policy.document.detectors.words.map((entry) => ({ id: entry.class, words: entry.words })),
    );
    // Validated when the policy was stored (see `compilePolicy`); an unsafe pattern yields none.
    detectors = compiled.ok ? compiled.detectors : new Map();
    operatorDetectors.set(policy, detectors);
  }
  return detectors;
}

function countByType(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.type] = (counts[finding.type] ?? 0) + 1;
  return counts;
}

/**
 * Decides a request under the policy in force, before routing and before any model receives
 * anything. Every string of the body is scanned (see `collectRequestStrings`) for the data
 * classes the policy's rules name, within the policy's time budget; the injection score is
 * computed when a rule reads it. A scan that runs out of time or throws counts as a detector
 * failure (fail closed unless the rule says otherwise). Redacted classes are replaced in a copy
 * of the body (re-serialised, so pass-through forwards the redacted text).
 */
export function enforcePolicy(
  policy: CompiledPolicy,
  principal: Principal,
  envelope: ModelRequestEnvelope,
  clock: Clock,
): PolicyEnforcement {
  const strings = collectRequestStrings(envelope.body.value);
  const findingsByString: Finding[][] = strings.map(() => []);
  const dataClasses = new Set<string>();
  let detectorFailed = false;
  let injectionScore: number | undefined;
  const classes = [...policy.scannedClasses];
  const budgetMs = policy.document.detectors.time_budget_ms;
  const budget = startScanBudget(budgetMs, clock);
  try {
    if (classes.length > 0) {
      const operatorClasses = operatorClassesOf(policy);
      for (const [index, entry] of strings.entries()) {
        if (budget.expired()) {
          detectorFailed = true;
          break;
        }
        const scan = scanText(entry.text, {
          classes,
          operatorClasses,
          timeBudgetMs: budgetMs,
          clock,
        });
        if (scan.timedOut) detectorFailed = true;
        findingsByString[index] = [...scan.findings];
        for (const finding of scan.findings) dataClasses.add(finding.type);
      }
    }
    if (policy.usesInjectionScore && !detectorFailed) {
      for (const entry of strings) {
        const score = detectInjection(entry.text, { source: entry.source }).score;
        injectionScore = Math.max(injectionScore ?? 0, score);
      }
    }
  } catch {
    detectorFailed = true;
  }
  if (budget.expired()) detectorFailed = true;
  const decision: PolicyDecision = evaluatePolicy(
    policy,
    {
      role: principal.role,
      org: principal.org,
      team: principal.team,
      user: principal.userId,
      keyTags: principal.tags,
    },
    { dataClasses, injectionScore, detectorFailed },
  );
  const allFindings = findingsByString.flat();
  const redactedFindings: Finding[] = [];
  let redactedEnvelope = envelope;
  if (decision.outcome === 'permit' && decision.redactions.size > 0) {
    const replacements = new Map<string, { path: readonly (string | number)[]; text: string }>();
    strings.forEach((entry, index) => {
      const targets = (findingsByString[index] ?? []).filter((finding) =>
        decision.redactions.has(finding.type),
      );
      if (targets.length === 0) return;
      redactedFindings.push(...targets);
      // One style per string: removal when any of its classes asks for it.
      const style = targets.some((finding) => decision.redactions.get(finding.type) === 'remove')
        ? 'remove'
        : 'mask';
      replacements.set(String(index), {
        path: entry.path,
        text: redact(entry.text, targets, style),
      });
    });
    if (replacements.size > 0) {
      const value = replaceRequestStrings(envelope.body.value, replacements);
      const text = JSON.stringify(value);
      redactedEnvelope = {
        ...envelope,
        body: { text, value, members: findJsonObjectMembers(text) },
      };
    }
  }
  return {
    record: {
      name: decision.policyName,
      version: decision.policyVersion,
      outcome: decision.outcome,
      rules: decision.matchedRules,
      flags: decision.flags,
      dataClasses: countByType(allFindings),
      redacted: countByType(redactedFindings),
      restricted: decision.restrictions.length > 0 || decision.exclusions.length > 0,
      injectionScore,
      detectorFailed,
    },
    denial:
      decision.outcome === 'deny'
        ? new GatewayError('SB_ERR_POLICY_DENIED', {
            detail: decision.reason ?? 'Refused by policy.',
          })
        : undefined,
    envelope: redactedEnvelope,
    allows: (deployment) => deploymentAllowed(decision, deployment),
    outputGuard: outputGuardOf(policy, clock),
    answerSchemaCheck: answerSchemaCheckOf(policy),
  };
}
