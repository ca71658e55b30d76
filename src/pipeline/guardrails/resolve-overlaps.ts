import type { Finding } from './finding.ts';

const byStart = (left: Finding, right: Finding): number =>
  left.start - right.start || right.end - left.end;

/** Non-overlapping findings of one class: of two overlapping ones the longer stays. */
function disjointWithinClass(findings: Finding[]): Finding[] {
  const kept: Finding[] = [];
  for (const finding of findings.sort(byStart)) {
    const last = kept.at(-1);
    if (last === undefined || finding.start >= last.end) kept.push(finding);
    else if (finding.end - finding.start > last.end - last.start) kept[kept.length - 1] = finding;
  }
  return kept;
}

/** `candidates` that overlap none of `kept`; both sorted by start, `kept` disjoint. */
function outside(candidates: readonly Finding[], kept: readonly Finding[]): Finding[] {
  const result: Finding[] = [];
  let index = 0;
  for (const candidate of candidates) {
    while (index < kept.length && (kept[index]?.end ?? 0) <= candidate.start) index += 1;
    const next = kept[index];
    if (next === undefined || next.start >= candidate.end) result.push(candidate);
  }
  return result;
}

/**
 * Keeps one finding per overlapping region: the class earlier in `priority` wins (classes not
 * listed come last, in first-seen order), and within a class the longer span. Pure, O(n log n);
 * returns findings sorted by start. A digit run inside an IBAN is an IBAN, not also a phone number.
 */
export function resolveOverlaps(
  findings: readonly Finding[],
  priority: readonly string[],
): Finding[] {
  const groups = new Map<string, Finding[]>(priority.map((type) => [type, []]));
  for (const finding of findings) {
    const group = groups.get(finding.type);
    if (group === undefined) groups.set(finding.type, [finding]);
    else group.push(finding);
  }
  let kept: Finding[] = [];
  for (const group of groups.values()) {
    if (group.length === 0) continue;
    const accepted = outside(disjointWithinClass(group), kept);
    kept = [...kept, ...accepted].sort(byStart);
  }
  return kept;
}
