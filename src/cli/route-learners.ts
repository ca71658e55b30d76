import { defaultMultiModelCandidates } from '../routing/learned/multi-model-candidates.ts';
import type { MultiModelCandidate } from '../routing/learned/multi-model-candidates.ts';
import {
  defaultPairCandidates,
  subjectPriorCandidates,
  type PairCandidate,
} from '../routing/learned/train-pair-router.ts';
import { UsageError } from './cli-io.ts';

/** The learner families `--learners` names: linear (logistic / ridge), kNN, matrix factorisation. */
const learnerNames = ['linear', 'knn', 'mf'] as const;
type LearnerName = (typeof learnerNames)[number];

/**
 * The default families: those fast enough for the gateway's request path. A kNN router compares
 * each request with every training prompt (a millisecond and more at a few thousand), so it is
 * trained only when asked for.
 */
const requestPathLearners: readonly LearnerName[] = ['linear', 'mf'];

/** `--learners linear,knn,mf`: the families cross-validation may choose from (default linear, mf). */
export function learnersFlag(value: string | undefined): ReadonlySet<LearnerName> {
  if (value === undefined) return new Set(requestPathLearners);
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(learnerNames as readonly string[]).includes(name));
  if (unknown !== undefined || names.length === 0) {
    throw new UsageError(`--learners takes a comma-separated list of ${learnerNames.join(', ')}`);
  }
  return new Set(names as LearnerName[]);
}

function familyOfPair(candidate: PairCandidate): LearnerName {
  return candidate.type === 'knn' ? 'knn' : candidate.type === 'mf' ? 'mf' : 'linear';
}

function familyOfMultiModel(candidate: MultiModelCandidate): LearnerName {
  return candidate.type === 'knn' ? 'knn' : candidate.type === 'mf' ? 'mf' : 'linear';
}

/** The strong/weak candidates of the chosen families (subject priors only with groups). */
export function pairCandidatesFor(
  learners: ReadonlySet<LearnerName>,
  useGroups: boolean,
): PairCandidate[] {
  const all = useGroups
    ? [...defaultPairCandidates, ...subjectPriorCandidates]
    : defaultPairCandidates;
  return all.filter((candidate) => learners.has(familyOfPair(candidate)));
}

/** The N-model candidates of the chosen families. */
export function multiModelCandidatesFor(learners: ReadonlySet<LearnerName>): MultiModelCandidate[] {
  return defaultMultiModelCandidates.filter((candidate) =>
    learners.has(familyOfMultiModel(candidate)),
  );
}
