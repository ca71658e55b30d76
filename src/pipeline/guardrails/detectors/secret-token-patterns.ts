/**
 * Provider credential formats, one entry per kind. Prefixes come from each provider's published
 * key format; bodies are bounded character classes, so every pattern is linear. The surrounding
 * look-arounds stop a match from starting or ending inside a longer token.
 */
export interface SecretTokenPattern {
  readonly kind: string;
  readonly pattern: RegExp;
}

const before = '(?<![A-Za-z0-9_-])';
const after = '(?![A-Za-z0-9_-])';

const token = (kind: string, body: string): SecretTokenPattern => ({
  kind,
  pattern: new RegExp(`${before}${body}${after}`, 'g'),
});

export const secretTokenPatterns: readonly SecretTokenPattern[] = [
  token('anthropic_api_key', 'sk-ant-[A-Za-z0-9]{2,12}-[A-Za-z0-9_-]{20,200}'),
  token('openai_api_key', 'sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}'),
  token('google_api_key', 'AIza[0-9A-Za-z_-]{35}'),
  token('github_token', 'gh[pousr]_[A-Za-z0-9]{36,255}'),
  token('github_token', 'github_pat_[A-Za-z0-9_]{22,255}'),
  token('slack_token', 'xox[baprs]-[A-Za-z0-9-]{10,250}'),
  token('stripe_secret_key', '(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,250}'),
  token('aws_access_key_id', '(?:AKIA|ASIA)[A-Z0-9]{16}'),
];
