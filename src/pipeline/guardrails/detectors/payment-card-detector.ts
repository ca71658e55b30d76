import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { hasWordBefore, identifierWords } from '../text-context.ts';
import { isPlausibleCardNumber } from './card-issuer-table.ts';
import { passesLuhn } from './luhn.ts';

/**
 * 12–19 digits, optionally split by single spaces or hyphens. Each repetition consumes exactly one
 * digit, so the pattern cannot match the same text two ways and backtracking stays bounded.
 */
const cardPattern =
  /(?<![\p{L}\p{N}_.+-]|\d[ -])\d(?:[ -]?\d){11,18}(?![\p{L}\p{N}_]|[ -]\d|[.,]\d)/gu;

/** Groups must use one separator kind and be at least three digits long (4-4-4-4, 4-6-5 …). */
function plausibleGrouping(value: string): boolean {
  const separators = new Set(value.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  if (separators.size === 0) return true;
  return value.split(/[ -]/).every((group) => group.length >= 3);
}

/**
 * Payment card numbers (`payment_card`): Luhn-valid, a known issuer prefix with a length that
 * issuer uses, consistent grouping, and not labelled as some other identifier (IMEI, order …)
 * just before.
 */
export const paymentCardDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(cardPattern, text, budget, (match) => {
      const value = match[0];
      const digits = value.replace(/[ -]/g, '');
      if (
        plausibleGrouping(value) &&
        !/^(\d)\1+$/.test(digits) &&
        passesLuhn(digits) &&
        isPlausibleCardNumber(digits) &&
        !hasWordBefore(text, match.index, identifierWords, 24)
      ) {
        findings.push({
          type: 'payment_card',
          start: match.index,
          end: match.index + value.length,
        });
      }
      return undefined;
    });
    return findings;
  },
};
