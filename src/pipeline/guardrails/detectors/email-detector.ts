import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';

/**
 * Local part, `@`, dot-separated labels and an alphabetic top-level label. The look-behind keeps
 * a match from starting inside a run of local-part characters, so a long run without `@` is read
 * once, not once per position (the quadratic trap of unanchored scans). Bounded label lengths
 * follow RFC 5321 limits (64 for the local part, 63 per label).
 */
const emailPattern =
  /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,24}(?![\p{L}\p{N}-]|\.[\p{L}\p{N}])/gu;

function plausibleLocalPart(local: string): boolean {
  return !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

function plausibleDomain(domain: string): boolean {
  return domain.split('.').every((label) => !label.startsWith('-') && !label.endsWith('-'));
}

/** E-mail addresses (`email`), including internationalised local parts and domains. */
export const emailDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    forEachMatch(emailPattern, text, budget, (match) => {
      const value = match[0];
      const at = value.indexOf('@');
      let local = value.slice(0, at);
      let offset = 0;
      // Leading quotes and dots are legal but usually punctuation around the address.
      while (local.startsWith("'") || local.startsWith('.')) {
        local = local.slice(1);
        offset += 1;
      }
      if (local !== '' && plausibleLocalPart(local) && plausibleDomain(value.slice(at + 1))) {
        findings.push({
          type: 'email',
          start: match.index + offset,
          end: match.index + value.length,
        });
      }
      return undefined;
    });
    return findings;
  },
};
