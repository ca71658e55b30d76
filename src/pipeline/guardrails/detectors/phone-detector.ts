import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { hasWordAfter, hasWordBefore, identifierWords } from '../text-context.ts';
import { classifyPhoneShape } from './phone-shape.ts';

/**
 * Optional country code, optional `(0)` trunk, optional area code in parentheses, up to six digit
 * groups separated by one space, dot or hyphen, and an optional extension. Groups are separated
 * by a required separator, so a digit run can be split only one way.
 */
const phonePattern =
  /(?<![\p{L}\p{N}_+./:#-])(?:\+\d{1,3}[ .-]?|(?<!\d ))(?:\(0\)[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,12}){0,5}(?:\s?(?:x|ext\.?|#)\s?\d{1,6})?(?![\p{L}\p{N}_]|[.:/-]\d)/giu;

/** Words that say a bare number is a phone number (Presidio's phone context words and kin). */
const phoneWords: ReadonlySet<string> = new Set([
  'phone',
  'phones',
  'telephone',
  'tel',
  'mobile',
  'cell',
  'cellphone',
  'call',
  'calling',
  'fax',
  'contact',
  'reach',
  'dial',
  'text',
  'sms',
  'whatsapp',
  'number',
  'landline',
  'hotline',
]);

/** Labels written right after a number in signatures and address books. */
const phoneLabels: ReadonlySet<string> = new Set([
  'office',
  'fax',
  'mobile',
  'cell',
  'home',
  'work',
  'phone',
  'tel',
  'landline',
]);

/**
 * Phone numbers (`phone`): E.164 and international forms, North American and European national
 * forms. Bare digit runs and loosely grouped numbers count only with a phone word shortly
 * before or a label such as "office" right after; dates, times, versions, SSN shapes and numbers labelled as order ids etc. never count.
 */
export const phoneDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(phonePattern, text, budget, (match) => {
      const value = match[0];
      const shape = classifyPhoneShape(value);
      if (
        shape.plausible &&
        !hasWordBefore(text, match.index, identifierWords, 24) &&
        (shape.selfEvident ||
          hasWordBefore(text, match.index, phoneWords) ||
          hasWordAfter(text, match.index + value.length, phoneLabels))
      ) {
        findings.push({ type: 'phone', start: match.index, end: match.index + value.length });
      }
      return undefined;
    });
    return findings;
  },
};
