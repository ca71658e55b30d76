import { describe, expect, it } from 'vitest';
import { scanText } from '../scan-text.ts';

// Fake credentials built at run time, so no literal key shape sits in the repository.
const body = (length: number): string => 'A1b2C3d4E5'.repeat(10).slice(0, length);
const base64url = (value: string): string => Buffer.from(value).toString('base64url');
const jwt = `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url('{"sub":"42"}')}.${body(43)}`;
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  body(64),
  body(20),
  '-----END RSA PRIVATE KEY-----',
].join('\n');

function secrets(text: string): { kind: string | undefined; value: string }[] {
  return scanText(text, { classes: ['secret'], timeBudgetMs: 5000 }).findings.map((finding) => ({
    kind: finding.kind,
    value: text.slice(finding.start, finding.end),
  }));
}

describe('secretDetector', () => {
  it.each([
    ['openai_api_key', `sk-${body(48)}`],
    ['openai_api_key', `sk-proj-${body(40)}_${body(20)}`],
    ['anthropic_api_key', `sk-ant-api03-${body(90)}`],
    ['google_api_key', `AIza${body(35)}`],
    ['github_token', `ghp_${body(36)}`],
    ['github_token', `gho_${body(36)}`],
    ['github_token', `github_pat_${body(22)}_${body(59)}`],
    ['slack_token', `xoxb-1234567890-${body(24)}`],
    ['stripe_secret_key', `sk_live_${body(24)}`],
    ['aws_access_key_id', `AKIA${body(16).toUpperCase()}`],
    ['aws_access_key_id', `ASIA${body(16).toUpperCase()}`],
    ['jwt', jwt],
    ['private_key', pem],
  ])('finds a %s', (kind, value) => {
    expect(secrets(`config: ${value} end`)).toEqual([{ kind, value }]);
  });

  it('finds a private key block cut off before its END line', () => {
    const cut = `-----BEGIN PRIVATE KEY-----\n${body(64)}\n${body(30)}\n`;
    expect(secrets(cut)).toEqual([{ kind: 'private_key', value: cut }]);
  });

  it.each([
    'the sk-learn package',
    'sk-ant docs',
    'OPENAI_API_KEY from the environment',
    'truncated eyJhbGciOi token',
    `not a JWT: eyJ${body(10)}.${body(10)}.${body(10)}`,
    '-----BEGIN PUBLIC KEY----- is public',
    `inside a longer token xsk-${body(48)}`,
    `AKIA${body(16).toUpperCase()}X is too long`,
  ])('finds nothing in %j', (text) => {
    expect(secrets(text)).toEqual([]);
  });
});
