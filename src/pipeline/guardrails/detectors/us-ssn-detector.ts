import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { hasWordBefore } from '../text-context.ts';

/** Area, group and serial, with an optional separator between each. */
const ssnPattern =
  /(?<![\p{L}\p{N}_.+-]|\d[ -])(\d{3})([- .]?)(\d{2})([- .]?)(\d{4})(?![\p{L}\p{N}_]|[- .]\d)/gu;

/** Words that make an unseparated or dotted nine-digit run an SSN. */
const ssnWords: ReadonlySet<string> = new Set([
  'ssn',
  'ssns',
  'social',
  'security',
  'ss',
  'taxpayer',
  'itin',
]);

/**
 * Numbers the Social Security Administration never issues: area 000, 666 and 900–999, group 00,
 * serial 0000, plus the Woolworth wallet number that was printed on sample cards.
 */
function isIssuable(area: string, group: string, serial: string): boolean {
  const areaNumber = Number(area);
  return (
    areaNumber !== 0 &&
    areaNumber !== 666 &&
    areaNumber < 900 &&
    group !== '00' &&
    serial !== '0000' &&
    `${area}${group}${serial}` !== '078051120'
  );
}

/**
 * US social security numbers (`us_ssn`). `123-45-6789` and `123 45 6789` count on their own;
 * `123456789` and `123.45.6789` only when an SSN word precedes them, since bare nine-digit runs
 * are usually something else.
 */
export const usSsnDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(ssnPattern, text, budget, (match) => {
      const [value, area = '', first = '', group = '', second = '', serial = ''] = match;
      if (first !== second || !isIssuable(area, group, serial)) return undefined;
      const strong = first === '-' || first === ' ';
      if (strong || hasWordBefore(text, match.index, ssnWords)) {
        findings.push({ type: 'us_ssn', start: match.index, end: match.index + value.length });
      }
      return undefined;
    });
    return findings;
  },
};
