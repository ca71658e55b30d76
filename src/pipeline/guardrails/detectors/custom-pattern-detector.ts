import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';

/**
 * A detector for an operator-defined class from a pattern that already passed
 * `compileSafePattern`. Each match is one finding of type `classId`.
 */
export function createCustomPatternDetector(classId: string, pattern: RegExp): Detector {
  return {
    detect(text, budget) {
      const findings: Finding[] = [];
      forEachMatch(pattern, text, budget, (match) => {
        findings.push({ type: classId, start: match.index, end: match.index + match[0].length });
        return undefined;
      });
      return findings;
    },
  };
}
