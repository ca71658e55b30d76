import { systemClock, type Clock } from '../../lib/clock.ts';
import type { Detector } from './detector.ts';
import { builtInClassIds, builtInDetectors } from './detector-registry.ts';
import type { Finding } from './finding.ts';
import { normalizeForScan } from './normalize-for-scan.ts';
import { resolveOverlaps } from './resolve-overlaps.ts';
import { startScanBudget } from './scan-budget.ts';

export interface ScanOptions {
  /** Built-in class ids to look for (see `builtInClassIds`); all of them when omitted. */
  readonly classes?: readonly string[];
  /** Operator-defined classes from `compileOperatorClasses`, all enabled. */
  readonly operatorClasses?: ReadonlyMap<string, Detector>;
  /** Time allowance for the whole scan, in milliseconds. */
  readonly timeBudgetMs: number;
  readonly clock?: Clock;
}

export interface ScanResult {
  /** Findings in the original text, sorted by start, not overlapping. */
  readonly findings: readonly Finding[];
  /**
   * True when the budget ran out before every detector finished: the findings are then
   * incomplete, and a caller enforcing a redact or deny policy should fail closed.
   */
  readonly timedOut: boolean;
}

/**
 * Scans text for the enabled data classes. The text is normalised first (NFKC, zero-width
 * characters removed), so full-width digits and split values are found; offsets map back to the
 * original. Every built-in pattern is linear-time. Pure apart from reading the clock; never
 * throws for any text. Unknown class ids are ignored (configuration validates them).
 */
export function scanText(text: string, options: ScanOptions): ScanResult {
  const budget = startScanBudget(options.timeBudgetMs, options.clock ?? systemClock);
  const normalized = normalizeForScan(text);
  const enabled = options.classes ?? builtInClassIds;
  const detectors: Detector[] = builtInClassIds
    .filter((id) => enabled.includes(id))
    .map((id) => builtInDetectors.get(id))
    .filter((detector) => detector !== undefined);
  detectors.push(...(options.operatorClasses?.values() ?? []));
  const found: Finding[] = [];
  for (const detector of detectors) {
    if (budget.expired()) break;
    found.push(...detector.detect(normalized.text, budget));
  }
  const findings = resolveOverlaps(found, builtInClassIds).map((finding) => ({
    ...finding,
    ...normalized.toOriginal(finding.start, finding.end),
  }));
  return { findings, timedOut: budget.expired() };
}
