import { createSeededRandom, type Random } from '../../lib/random.ts';
import type { Deployment } from '../deployment.ts';
import { idleLoad, type DeploymentLoad } from '../deployment-load.ts';
import type {
  RankedCandidate,
  RoutingStrategy,
  StrategyCandidate,
  StrategyInput,
} from '../routing-strategy.ts';

/** What a test states about a candidate; everything else takes a neutral default. */
export interface TestCandidateOptions {
  readonly deployment?: Partial<Deployment>;
  readonly load?: Partial<DeploymentLoad>;
}

/**
 * A strategy candidate for tests: a deployment with id `id`, weight 1, priority 0, no limits, no
 * price and no timeouts, idle unless `options.load` says otherwise. Returns a fresh object each call.
 */
export function testCandidate(id: string, options: TestCandidateOptions = {}): StrategyCandidate {
  return {
    deployment: {
      id,
      providerId: 'test',
      upstreamModel: id,
      region: undefined,
      tags: [],
      weight: 1,
      priority: 0,
      rpm: undefined,
      tpm: undefined,
      contextWindow: undefined,
      maxOutputTokens: undefined,
      price: undefined,
      vision: undefined,
      tools: undefined,
      jsonSchema: undefined,
      timeouts: { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined },
      ...options.deployment,
    },
    load: { ...idleLoad, ...options.load },
  };
}

/** A strategy input for tests: seeded randomness (seed 1 unless given), sequence 0, no tokens. */
export function testInput(overrides: Partial<StrategyInput> = {}): StrategyInput {
  return {
    random: createSeededRandom(1),
    nowMs: 0,
    sequence: 0,
    estimatedInputTokens: 0,
    estimatedOutputTokens: 0,
    ...overrides,
  };
}

/** The deployment ids of a ranking, in order, for compact expectations. */
export function rankedIds(ranked: readonly RankedCandidate[]): string[] {
  return ranked.map((entry) => entry.candidate.deployment.id);
}

/** Freezes candidates, their deployments and loads, and the array, so a mutation throws. */
export function frozenCandidates(candidates: StrategyCandidate[]): readonly StrategyCandidate[] {
  for (const candidate of candidates) {
    Object.freeze(candidate.deployment.price);
    Object.freeze(candidate.deployment.tags);
    Object.freeze(candidate.deployment);
    Object.freeze(candidate.load);
    Object.freeze(candidate);
  }
  return Object.freeze(candidates);
}

/**
 * A `Random` that returns `values` in order and throws once they run out, so that a test fixes
 * every draw and notices an unexpected one. `scriptedRandom([])` forbids drawing at all.
 */
export function scriptedRandom(values: readonly number[]): Random {
  let index = 0;
  return {
    next() {
      const value = values[index];
      if (value === undefined) {
        throw new Error(`Drew random number ${index + 1}; the script has ${values.length}.`);
      }
      index += 1;
      return value;
    },
  };
}

/** Whether `ranked` holds every one of `candidates` exactly once, and nothing else. */
export function isPermutationOf(
  ranked: readonly RankedCandidate[],
  candidates: readonly StrategyCandidate[],
): boolean {
  const unseen = new Set(candidates);
  for (const entry of ranked) {
    if (!unseen.delete(entry.candidate)) {
      return false;
    }
  }
  return unseen.size === 0 && ranked.length === candidates.length;
}

/**
 * Ranks `candidates` `draws` times with one seeded random and returns how often each deployment
 * id came out at `position` (0, the choice, unless given), as fractions of `draws`.
 */
export function positionShares(
  strategy: RoutingStrategy,
  candidates: readonly StrategyCandidate[],
  draws: number,
  position = 0,
  seed = 7,
): Map<string, number> {
  const input = testInput({ random: createSeededRandom(seed) });
  const counts = new Map<string, number>(
    candidates.map((candidate) => [candidate.deployment.id, 0]),
  );
  for (let draw = 0; draw < draws; draw += 1) {
    const id = strategy.rank(candidates, input)[position]?.candidate.deployment.id;
    if (id !== undefined) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  for (const [id, count] of counts) {
    counts.set(id, count / draws);
  }
  return counts;
}
