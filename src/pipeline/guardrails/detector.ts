import type { Finding } from './finding.ts';
import type { ScanBudget } from './scan-budget.ts';

/**
 * Finds one data class in text that has already been normalised (NFKC, zero-width characters
 * removed). Offsets in the findings refer to that normalised text; `scanText` maps them back.
 * A detector is pure, never throws on any input, and stops early when the budget expires.
 */
export interface Detector {
  detect(text: string, budget: ScanBudget): Finding[];
}

/**
 * Runs a global regular expression over `text`, calling `onMatch` for each match. `onMatch` may
 * return the index where the search should resume (to skip past, or back into, a candidate).
 */
export function forEachMatch(
  pattern: RegExp,
  text: string,
  budget: ScanBudget,
  onMatch: (match: RegExpExecArray) => number | undefined,
): void {
  const regex = new RegExp(
    pattern.source,
    pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
  );
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text)) !== null) {
    const resume = onMatch(match);
    if (resume !== undefined) regex.lastIndex = resume;
    else if (match[0] === '') regex.lastIndex += 1;
    if (budget.expired()) return;
  }
}
