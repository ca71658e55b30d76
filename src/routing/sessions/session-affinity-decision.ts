import type { Deployment } from '../deployment.ts';

/** Why a conversation stayed on its warm deployment or moved. */
export type SessionReason =
  'cache-warm' | 'switch-saves' | 'price-unknown' | 'router-choice' | 'not-eligible';

export interface SessionDecision {
  readonly stay: boolean;
  readonly reason: SessionReason;
  /** Estimated US dollars of this turn on the warm deployment (prefix read from its cache). */
  readonly stayUsd: number | undefined;
  /** Estimated US dollars on the preferred one (prefix read uncached and written to its cache). */
  readonly switchUsd: number | undefined;
}

/** How much of a turn is the repeated prefix, and how much is new. */
export interface TurnTokens {
  readonly prefixTokens: number;
  readonly newTokens: number;
  readonly outputTokens: number;
}

function turnCost(deployment: Deployment, tokens: TurnTokens, warm: boolean): number | undefined {
  const price = deployment.price;
  if (price?.input === undefined) return undefined;
  const prefixPrice = warm ? (price.cacheRead ?? price.input) : (price.cacheWrite ?? price.input);
  return (
    (tokens.prefixTokens * prefixPrice +
      tokens.newTokens * price.input +
      tokens.outputTokens * (price.output ?? 0)) /
    1_000_000
  );
}

/**
 * Whether a conversation stays on the deployment whose prompt cache holds its prefix (`warm`) or
 * moves to the one the strategy prefers: it moves only when the turn costs less there even though
 * the prefix is read uncached (and written to that provider's cache at its write price), both at
 * list prices. With a price unknown on either side it stays: a warm cache is the safer bet. Pure.
 */
export function decideSessionAffinity(
  warm: Deployment,
  preferred: Deployment,
  tokens: TurnTokens,
): SessionDecision {
  const stayUsd = turnCost(warm, tokens, true);
  const switchUsd = turnCost(preferred, tokens, false);
  if (stayUsd === undefined || switchUsd === undefined) {
    return { stay: true, reason: 'price-unknown', stayUsd, switchUsd };
  }
  return switchUsd < stayUsd
    ? { stay: false, reason: 'switch-saves', stayUsd, switchUsd }
    : { stay: true, reason: 'cache-warm', stayUsd, switchUsd };
}
