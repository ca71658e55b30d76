import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { hasWordBefore } from '../text-context.ts';
import { isIpv4, isIpv6 } from './ipv6-address.ts';

const ipv4Pattern =
  /(?<![\p{L}\p{N}_.:-])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\p{L}\p{N}_-]|\.\d)/gu;

/**
 * Colon-separated hex groups, each repetition ending in `:` so there is one way to match, with
 * an optional final group or embedded IPv4 address. Validation does the real work.
 */
const ipv6Pattern =
  /(?<![\p{L}\p{N}_:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\p{L}\p{N}_:]|\.\d)/gu;

/** Words that make a dotted quad a version or build number instead of an address. */
const versionWords: ReadonlySet<string> = new Set([
  'version',
  'ver',
  'v',
  'release',
  'build',
  'firmware',
  'oid',
]);

/** IP addresses (`ip_address`): IPv4 with octet checks, and IPv6 including `::` and embedded IPv4. */
export const ipAddressDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(ipv4Pattern, text, budget, (match) => {
      if (isIpv4(match[0]) && !hasWordBefore(text, match.index, versionWords, 16)) {
        findings.push({
          type: 'ip_address',
          start: match.index,
          end: match.index + match[0].length,
        });
      }
      return undefined;
    });
    forEachMatch(ipv6Pattern, text, budget, (match) => {
      const value = match[0];
      if (/[0-9A-Fa-f]/.test(value) && isIpv6(value)) {
        findings.push({ type: 'ip_address', start: match.index, end: match.index + value.length });
      }
      return undefined;
    });
    return findings;
  },
};
