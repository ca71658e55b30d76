import type { Detector } from './detector.ts';
import { createCustomPatternDetector } from './detectors/custom-pattern-detector.ts';
import { createWordListDetector } from './detectors/word-list-detector.ts';
import { compileSafePattern } from './safe-pattern.ts';

/** An operator-defined class matched by a regular expression (see `compileSafePattern`). */
export interface OperatorPattern {
  readonly id: string;
  readonly pattern: string;
  readonly ignoreCase?: boolean;
}

/** An operator-defined class matched by a list of words or phrases, case-insensitively. */
export interface OperatorWordList {
  readonly id: string;
  readonly words: readonly string[];
}

export type OperatorClassesResult =
  | { readonly ok: true; readonly detectors: ReadonlyMap<string, Detector> }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Builds detectors for operator-defined classes, once, at configuration time. Refuses the whole
 * set if any pattern is unsafe or invalid, or an id is used twice; problems name the class id
 * and the reason, never sample text. Pure; never throws.
 */
export function compileOperatorClasses(
  patterns: readonly OperatorPattern[],
  wordLists: readonly OperatorWordList[],
): OperatorClassesResult {
  const detectors = new Map<string, Detector>();
  const problems: string[] = [];
  const claim = (id: string, detector: Detector): void => {
    if (detectors.has(id)) problems.push(`class "${id}" is defined more than once`);
    detectors.set(id, detector);
  };
  for (const entry of patterns) {
    const compiled = compileSafePattern(entry.pattern, entry.ignoreCase === true);
    if (compiled.ok) claim(entry.id, createCustomPatternDetector(entry.id, compiled.pattern));
    else problems.push(`pattern for class "${entry.id}" refused: ${compiled.reason}`);
  }
  for (const list of wordLists) claim(list.id, createWordListDetector(list.id, list.words));
  return problems.length === 0 ? { ok: true, detectors } : { ok: false, problems };
}
