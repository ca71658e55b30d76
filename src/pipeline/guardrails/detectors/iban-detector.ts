import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { ibanLengths, passesIbanChecksum } from './iban-country-lengths.ts';

/**
 * Country code, two check digits, then up to 40 letters, digits or spaces: one bounded character
 * class, so there is nothing to backtrack into. Validation cuts the candidate at the country's
 * length and refuses double spaces.
 */
const ibanPattern = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{11,40}/gu;

/**
 * Where in `value` the IBAN of `length` compact characters ends, or undefined when that position
 * is not at a group boundary (the next character is not a space or the end of the candidate).
 */
function endOfCompactLength(value: string, length: number): number | undefined {
  let seen = 0;
  for (let index = 0; index < value.length; index += 1) {
    if (value[index] !== ' ') seen += 1;
    else if (value[index + 1] === ' ') return undefined;
    if (seen === length) {
      const next = value[index + 1];
      return next === undefined || next === ' ' ? index + 1 : undefined;
    }
  }
  return undefined;
}

/**
 * International bank account numbers (`iban`): known country code, that country's length, and
 * the ISO 7064 mod-97 check. Case-insensitive. Trailing words swallowed by the candidate are cut
 * at the country length, as long as the cut falls between groups.
 */
export const ibanDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(ibanPattern, text, budget, (match) => {
      const value = match[0];
      const length = ibanLengths.get(value.slice(0, 2).toUpperCase());
      if (length === undefined) return match.index + 1;
      const end = endOfCompactLength(value, length);
      if (end === undefined) return match.index + 1;
      const after = text[match.index + end];
      if (after !== undefined && /[\p{L}\p{N}]/u.test(after)) return match.index + 1;
      const compact = value.slice(0, end).replace(/ /g, '').toUpperCase();
      if (!passesIbanChecksum(compact)) return match.index + 1;
      findings.push({ type: 'iban', start: match.index, end: match.index + end });
      return match.index + end;
    });
    return findings;
  },
};
