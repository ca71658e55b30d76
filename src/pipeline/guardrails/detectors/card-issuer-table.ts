/**
 * Issuer identification number ranges and the card lengths each scheme issues, from the schemes'
 * public IIN tables (ISO/IEC 7812). A number is a plausible card when its prefix falls in a range
 * whose lengths include its length.
 */
interface IssuerRange {
  readonly scheme: string;
  /** Inclusive prefix bounds of equal digit count, e.g. 2221–2720. */
  readonly from: number;
  readonly to: number;
  readonly lengths: readonly number[];
}

const range = (
  scheme: string,
  from: number,
  to: number,
  lengths: readonly number[],
): IssuerRange => ({ scheme, from, to, lengths });

const sixteenToNineteen = [16, 17, 18, 19];
const twelveToNineteen = [12, 13, 14, 15, 16, 17, 18, 19];

const issuerRanges: readonly IssuerRange[] = [
  range('visa', 4, 4, [13, 16, 19]),
  range('mastercard', 51, 55, [16]),
  range('mastercard', 2221, 2720, [16]),
  range('amex', 34, 34, [15]),
  range('amex', 37, 37, [15]),
  range('diners', 300, 305, [14, 15, 16, 17, 18, 19]),
  range('diners', 36, 36, [14, 15, 16, 17, 18, 19]),
  range('diners', 38, 39, [14, 15, 16, 17, 18, 19]),
  range('discover', 6011, 6011, sixteenToNineteen),
  range('discover', 644, 649, sixteenToNineteen),
  range('discover', 65, 65, sixteenToNineteen),
  range('jcb', 3528, 3589, sixteenToNineteen),
  range('jcb', 2131, 2131, [15]),
  range('jcb', 1800, 1800, [15]),
  range('unionpay', 62, 62, sixteenToNineteen),
  range('mir', 2200, 2204, sixteenToNineteen),
  range('maestro', 50, 50, twelveToNineteen),
  range('maestro', 56, 69, twelveToNineteen),
  range('rupay', 60, 60, [16]),
  range('rupay', 81, 82, [16]),
];

/** True when `digits` starts with a known issuer prefix and has a length that issuer uses. */
export function isPlausibleCardNumber(digits: string): boolean {
  return issuerRanges.some((issuer) => {
    const width = String(issuer.to).length;
    const prefix = Number(digits.slice(0, width));
    return issuer.lengths.includes(digits.length) && prefix >= issuer.from && prefix <= issuer.to;
  });
}
