import type { Deployment } from './deployment.ts';
import type { RuleFacts } from './rules/rule-facts.ts';

/** Whether a request fits a deployment's context window (see `fitsContextWindow`). */
export type WindowFit = 'fits' | 'too-large' | 'unknown';

/**
 * What the planner needs to know about one request. Built by the gateway from the request, the
 * caller and its headers; expensive parts (rule facts, token counts) are computed only if asked.
 */
export interface RouteRequestFacts {
  /** The caller's key id, for sticky canaries. */
  readonly keyId: string;
  /** The end user the client named (`user`), if any, for sticky canaries. */
  readonly endUser: string | undefined;
  /** The request id, for canaries that are not sticky. */
  readonly requestId: string;
  /** Tags every deployment must carry (`x-signalbox-tags`). */
  readonly requestedTags: readonly string[];
  /** The region the deployment must be in (`x-signalbox-region`). */
  readonly requestedRegion: string | undefined;
  /**
   * Whether the policy decision lets the request reach a deployment (restrictions by data class,
   * tags, provider or region); every deployment of the plan, fallbacks included, must pass.
   */
  readonly policyAllows: (deployment: Deployment) => boolean;
  /** The request carries images (so only deployments that accept them are eligible). */
  readonly images: boolean;
  readonly estimatedInputTokens: number;
  readonly estimatedOutputTokens: number;
  /** Whether the request fits the deployment's context window. */
  fits(deployment: Deployment): WindowFit;
  /**
   * The text a learned router scores: the last user turn of a chat (its text parts), or the
   * input of other operations; empty when there is none. Built on first call.
   */
  routingText(): string;
  /** The routing text's vector from an asynchronous encoder (computed before planning). */
  routingVector(encoderId: string): Float32Array | undefined;
  /**
   * The conversation this request belongs to, scoped to the caller's key (`sessionKeyOf`);
   * undefined for a first turn without `x-signalbox-session`. Built on first call.
   */
  sessionKey(): string | undefined;
  /** The facts rule expressions read; built on first call. */
  ruleContext(): RuleFacts;
}
