import { forEachMatch, type Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import { hasJwtHeader, jwtPattern } from './json-web-token.ts';
import { findPemPrivateKeys } from './pem-private-key.ts';
import { secretTokenPatterns } from './secret-token-patterns.ts';

/**
 * Credentials (`secret`), with `kind` naming which: provider API keys (OpenAI, Anthropic, Google,
 * GitHub, Slack, Stripe, AWS access key ids), JSON Web Tokens whose header decodes to JSON, and
 * PEM private key blocks.
 */
export const secretDetector: Detector = {
  detect(text, budget) {
    const findings: Finding[] = [];
    const add = (kind: string, start: number, end: number): void => {
      findings.push({ type: 'secret', kind, start, end });
    };
    for (const { kind, pattern } of secretTokenPatterns) {
      forEachMatch(pattern, text, budget, (match) => {
        add(kind, match.index, match.index + match[0].length);
        return undefined;
      });
    }
    forEachMatch(jwtPattern, text, budget, (match) => {
      if (hasJwtHeader(match[0])) add('jwt', match.index, match.index + match[0].length);
      return undefined;
    });
    for (const span of findPemPrivateKeys(text, budget)) add('private_key', span.start, span.end);
    return findings;
  },
};
