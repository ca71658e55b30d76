import type { PromptLabelTarget } from '../api/api-types.ts';

/**
 * Where a label points, in words: `v3`, or for a split each version with its weight and its
 * share of traffic (`v3 ×90 (90%) · v4 ×10 (10%)`); no targets means the label was removed.
 */
export function describeTargets(targets: readonly PromptLabelTarget[]): string {
  if (targets.length === 0) return 'removed';
  const [only] = targets;
  if (targets.length === 1 && only !== undefined) return `v${only.version}`;
  const total = targets.reduce((sum, target) => sum + target.weight, 0);
  return targets
    .map((target) => {
      const share = total === 0 ? 0 : Math.round((target.weight / total) * 1000) / 10;
      return `v${target.version} ×${target.weight} (${share}%)`;
    })
    .join(' · ');
}

/** The labels pointing at `version` (with their share when split), e.g. `production 10%`. */
export function labelsOf(
  labels: readonly { readonly label: string; readonly targets: readonly PromptLabelTarget[] }[],
  version: number,
): string[] {
  const found: string[] = [];
  for (const label of labels) {
    const total = label.targets.reduce((sum, target) => sum + target.weight, 0);
    const target = label.targets.find((entry) => entry.version === version);
    if (target === undefined) continue;
    found.push(
      label.targets.length === 1
        ? label.label
        : `${label.label} ${Math.round((target.weight / total) * 1000) / 10}%`,
    );
  }
  return found;
}
