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

/** A global copy of a detector's pattern, and whether a search is using it now. */
interface GlobalPattern {
  readonly regex: RegExp;
  busy: boolean;
}

/** One global copy per pattern: building a RegExp on every scan cost more than some searches. */
const globalPatterns = new WeakMap<RegExp, GlobalPattern>();

function globalPatternOf(pattern: RegExp): GlobalPattern {
  let global = globalPatterns.get(pattern);
  if (global === undefined) {
    const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
    global = { regex: new RegExp(pattern.source, flags), busy: false };
    globalPatterns.set(pattern, global);
  }
  return global;
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
  const global = globalPatternOf(pattern);
  // A search of the same pattern started from `onMatch` gets its own copy (`lastIndex` is state).
  const shared = !global.busy;
  const regex = shared ? global.regex : new RegExp(global.regex.source, global.regex.flags);
  regex.lastIndex = 0;
  if (shared) global.busy = true;
  try {
    let match: RegExpExecArray | null;
    while ((match = regex.exec(text)) !== null) {
      const resume = onMatch(match);
      if (resume !== undefined) regex.lastIndex = resume;
      else if (match[0] === '') regex.lastIndex += 1;
      if (budget.expired()) return;
    }
  } finally {
    if (shared) global.busy = false;
  }
}
