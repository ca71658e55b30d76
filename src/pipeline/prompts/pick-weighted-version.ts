import { createHash } from 'node:crypto';
import type { PromptLabelTarget } from '../../storage/prompt-store.ts';

const twoToThe48 = 2 ** 48;

/**
 * A number in [0, 1) fixed by the prompt, the label and the stickiness: the first 48 bits of
 * SHA-256(`${promptId}\n${label}\n${stickiness}`) over 2^48. Every replica computes the same one,
 * so one end user keeps seeing one version while a label's split stays as it is.
 */
export function stickyUnit(promptId: string, label: string, stickiness: string): number {
  const digest = createHash('sha256').update(`${promptId}\n${label}\n${stickiness}`).digest();
  return digest.readUIntBE(0, 6) / twoToThe48;
}

/**
 * The version a label serves for one request. With one target, that target; with several, the
 * target whose slice of the cumulative weights holds `stickyUnit(…) × total`, so each version
 * gets its weight's share of stickiness values. Pure. Throws `RangeError` for no targets or a
 * weight that is not a positive number.
 */
export function pickWeightedVersion(
  promptId: string,
  label: string,
  targets: readonly PromptLabelTarget[],
  stickiness: string,
): number {
  const [first] = targets;
  if (first === undefined) throw new RangeError(`label ${label} points at no version`);
  if (targets.length === 1) return first.version;
  let total = 0;
  for (const target of targets) {
    if (!(target.weight > 0) || !Number.isFinite(target.weight)) {
      throw new RangeError(`label ${label} has a weight that is not a positive number`);
    }
    total += target.weight;
  }
  const point = stickyUnit(promptId, label, stickiness) * total;
  let cumulative = 0;
  for (const target of targets) {
    cumulative += target.weight;
    if (point < cumulative) return target.version;
  }
  // Unreachable with finite weights (the unit is below 1); kept for floating-point safety.
  return targets[targets.length - 1]?.version ?? first.version;
}
