import type { Detector } from './detector.ts';
import { emailDetector } from './detectors/email-detector.ts';
import { ibanDetector } from './detectors/iban-detector.ts';
import { ipAddressDetector } from './detectors/ip-address-detector.ts';
import { paymentCardDetector } from './detectors/payment-card-detector.ts';
import { phoneDetector } from './detectors/phone-detector.ts';
import { secretDetector } from './detectors/secret-detector.ts';
import { usSsnDetector } from './detectors/us-ssn-detector.ts';

/**
 * The built-in data classes and their detectors. Order is precedence: when findings of two
 * classes overlap, the earlier class keeps the span (an IBAN's digits are not also a phone).
 */
export const builtInDetectors: ReadonlyMap<string, Detector> = new Map([
  ['secret', secretDetector],
  ['email', emailDetector],
  ['iban', ibanDetector],
  ['payment_card', paymentCardDetector],
  ['us_ssn', usSsnDetector],
  ['ip_address', ipAddressDetector],
  ['phone', phoneDetector],
]);

/** The ids of the built-in data classes, in precedence order. */
export const builtInClassIds: readonly string[] = [...builtInDetectors.keys()];
