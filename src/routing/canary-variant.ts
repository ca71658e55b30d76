import type { CanaryConfig } from '../config/gateway-config.ts';
import type { RouteRequestFacts } from './route-request-facts.ts';

/** FNV-1a, 32 bits: fast, well spread for short ids, and the same on every replica. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The variant a request falls in: `canary` for `percent` of callers, else `stable`. Sticky by key
 * or end user (the same caller always gets the same variant of a group, on every replica, and
 * raising the percentage only moves stable callers to the canary), or drawn per request. Pure.
 */
export function canaryVariant(
  canary: CanaryConfig,
  alias: string,
  facts: Pick<RouteRequestFacts, 'keyId' | 'endUser' | 'requestId'>,
): 'canary' | 'stable' {
  const caller =
    canary.sticky === 'key'
      ? facts.keyId
      : canary.sticky === 'user'
        ? facts.endUser === undefined || facts.endUser === ''
          ? facts.keyId
          : facts.endUser
        : facts.requestId;
  const bucket = fnv1a(`${alias}\u0000${caller}`) % 10_000;
  return bucket < Math.round(canary.percent * 100) ? 'canary' : 'stable';
}
