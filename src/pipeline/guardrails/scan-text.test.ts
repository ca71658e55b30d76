import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import { builtInClassIds } from './detector-registry.ts';
import { redact } from './redact.ts';
import { scanText } from './scan-text.ts';

const megabyte = 1024 * 1024;

function fill(unit: string): string {
  return unit.repeat(Math.ceil(megabyte / unit.length)).slice(0, megabyte);
}

describe('scanText', () => {
  it('returns sorted, non-overlapping findings of every class with original offsets', () => {
    const text =
      'Mail bob@example.com, call +1-415-555-0100, card 4111 1111 1111 1111, ' +
      'IBAN GB82 WEST 1234 5698 7654 32, SSN 460-89-9847, host 10.0.0.7.';
    const result = scanText(text, { timeBudgetMs: 5000 });
    expect(result.timedOut).toBe(false);
    expect(
      result.findings.map((finding) => [finding.type, text.slice(finding.start, finding.end)]),
    ).toEqual([
      ['email', 'bob@example.com'],
      ['phone', '+1-415-555-0100'],
      ['payment_card', '4111 1111 1111 1111'],
      ['iban', 'GB82 WEST 1234 5698 7654 32'],
      ['us_ssn', '460-89-9847'],
      ['ip_address', '10.0.0.7'],
    ]);
  });

  it('looks only for the enabled classes', () => {
    const result = scanText('bob@example.com 10.0.0.7', {
      classes: ['ip_address'],
      timeBudgetMs: 5000,
    });
    expect(result.findings.map((finding) => finding.type)).toEqual(['ip_address']);
  });

  it('reports a spent budget as timedOut', () => {
    let now = 0;
    const clock: Clock = { now: () => now, monotonic: () => (now += 10) };
    const result = scanText('bob@example.com '.repeat(100), { timeBudgetMs: 5, clock });
    expect(result.timedOut).toBe(true);
  });

  it.each([
    ['a@ repeated', fill('a@')],
    ['a. repeated', fill('a.')],
    ['digits with separators', fill('1 2-3 ')],
    ['one long digit run', fill('4')],
    ['colons and hex', fill('a:')],
    ['dotted digits', fill('1.')],
    ['letters then digits', fill('GB82 ')],
    ['base64url with dots', fill('eyJhb.')],
    ['PEM BEGIN lines without END', fill('-----BEGIN PRIVATE KEY-----\n')],
    ['near-miss emails', fill('x.y+z@a-b.')],
  ])('scans 1 MB of adversarial input (%s) to the end within a generous budget', (_name, text) => {
    // Speed is measured by scripts/measure-pii-detectors.ts, not asserted here (machines vary);
    // this proves the scan finishes and reports what it saw.
    const result = scanText(text, { timeBudgetMs: 60_000 });
    expect(result.timedOut).toBe(false);
    expect(Array.isArray(result.findings)).toBe(true);
  });

  it('never throws, keeps offsets inside the text, and redaction removes every finding', () => {
    const pieces = fc.constantFrom(
      'bob@example.com',
      '4111 1111 1111 1111',
      '+1 415 555 0100',
      '460-89-9847',
      '\u200B',
      '４',
      '\u0301',
      ' ',
      '-',
      '.',
      '@',
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 20 }),
        (parts) => {
          const text = parts.join('');
          const { findings } = scanText(text, { timeBudgetMs: 5000 });
          for (const finding of findings) {
            expect(finding.start).toBeGreaterThanOrEqual(0);
            expect(finding.end).toBeLessThanOrEqual(text.length);
            expect(finding.end).toBeGreaterThan(finding.start);
            expect(builtInClassIds).toContain(finding.type);
          }
          const redacted = redact(text, findings, 'mask');
          expect(
            scanText(redacted, { timeBudgetMs: 5000 }).findings.map((f) => f.type),
          ).not.toContain('payment_card');
        },
      ),
      { numRuns: 200 },
    );
  });
});
