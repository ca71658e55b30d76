import type { LearnedTrace, SessionTrace } from '../decision-trace.ts';
import type { GroupMember, ModelGroup } from '../model-group.ts';
import type { RouteRequestFacts } from '../route-request-facts.ts';
import {
  decideSessionAffinity,
  type SessionDecision,
  type SessionReason,
} from './session-affinity-decision.ts';
import type { WarmSession } from './session-affinity-store.ts';

/** What the planner knows of one group's choice when it weighs a conversation's warm cache. */
export interface AffinityInput {
  readonly group: ModelGroup;
  /** The group's order after the strategy, demotions, rules and canary. */
  readonly order: readonly string[];
  /** Eligible members by id. */
  readonly members: ReadonlyMap<string, GroupMember>;
  /** Eligible members moved to the end (may not fit, cooling down). */
  readonly demoted: ReadonlyMap<string, unknown>;
  /** The group's learned decision, if its strategy is learned. */
  readonly learned: LearnedTrace | undefined;
}

/**
 * Whether a conversation stays on the deployment that served it last (its prompt cache is warm):
 * yes unless the group's first choice is cheaper even reading the prefix uncached, or a learned
 * router chose another model (a quality decision, not a cost one), or the warm one is not
 * eligible now. The turn's new text is the last user message; the rest of the input is the prefix.
 */
export function applySessionAffinity(
  input: AffinityInput,
  warm: WarmSession,
  facts: RouteRequestFacts,
): SessionTrace | undefined {
  const { order, members, demoted, learned } = input;
  const preferred = order[0] === undefined ? undefined : members.get(order[0]);
  if (preferred === undefined) return undefined;
  const trace = (kept: boolean, reason: SessionReason, costs?: SessionDecision): SessionTrace => ({
    warm: warm.deploymentId,
    kept,
    reason,
    stayUsd: costs?.stayUsd,
    switchUsd: costs?.switchUsd,
  });
  if (warm.deploymentId === preferred.deployment.id) return trace(true, 'cache-warm');
  const candidate = members.get(warm.deploymentId);
  if (candidate === undefined || demoted.has(warm.deploymentId)) {
    return trace(false, 'not-eligible');
  }
  const models = input.group.learned?.modelOfCandidate;
  if (
    learned?.choice !== undefined &&
    models !== undefined &&
    models.get(warm.deploymentId) !== learned.choice
  ) {
    return trace(false, 'router-choice');
  }
  const newTokens = Math.min(facts.estimatedInputTokens, Math.ceil(facts.routingText().length / 4));
  const decision = decideSessionAffinity(candidate.deployment, preferred.deployment, {
    prefixTokens: facts.estimatedInputTokens - newTokens,
    newTokens,
    outputTokens: facts.estimatedOutputTokens,
  });
  return trace(decision.stay, decision.reason, decision);
}
