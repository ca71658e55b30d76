/**
 * Shape rules for phone candidates, kept apart from the scanner so they test as tables. A
 * candidate is the text the phone pattern matched, extension included.
 */

const extension = /\s?(?:x|ext\.?|#)\s?\d{1,6}$/i;

/** Shapes that are dates, times, SSNs, versions or IPv4 addresses rather than phone numbers. */
const notPhoneShapes: readonly RegExp[] = [
  /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$/,
  /^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4}$/,
  /^\d{1,2}[-./]\d{1,2}[-./]\d{2}$/,
  /^\d{3}-\d{2}-\d{4}$/,
  /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/,
];

/** Formats that are phone numbers on their own, without a word such as "phone" nearby. */
const selfEvidentShapes: readonly RegExp[] = [
  // E.164 or international format with a country code.
  /^\+/,
  // An area code in parentheses.
  /\(/,
  // North American 3-3-4 with one separator kind, optionally after a leading 1.
  /^(?:1[ .-])?\d{3}([ .-])\d{3}\1\d{4}$/,
];

/** National format with a trunk 0 and at least one separator: 020 7946 0958, 06 12 34 56 78. */
const trunkPrefixed = /^0\d{1,4}[ .-]\d[\d .-]{5,14}$/;

export interface PhoneShape {
  /** False for shapes that are something else (dates, versions, SSNs …) or a wrong digit count. */
  readonly plausible: boolean;
  /** True when the format alone says "phone number"; otherwise a context word is needed. */
  readonly selfEvident: boolean;
}

/** Classifies a phone candidate. Pure. */
export function classifyPhoneShape(candidate: string): PhoneShape {
  const hasExtension = extension.test(candidate);
  const core = candidate.replace(extension, '');
  const digits = core.replace(/\D/g, '').length;
  const dotGroups = core.includes('.')
    ? core.split(/[ .()-]+/).filter((group) => group !== '')
    : [];
  const plausible =
    digits >= 7 &&
    digits <= 15 &&
    !notPhoneShapes.some((shape) => shape.test(core)) &&
    // Dotted phone formats use groups of two or more digits; version numbers often do not.
    dotGroups.every((group) => group.replace(/\D/g, '').length >= 2);
  const selfEvident =
    hasExtension ||
    selfEvidentShapes.some((shape) => shape.test(core)) ||
    // National significant numbers with a trunk 0 are 9 to 11 digits long.
    (trunkPrefixed.test(core) && digits >= 9 && digits <= 11);
  return { plausible, selfEvident };
}
