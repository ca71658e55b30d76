import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeForScan } from './normalize-for-scan.ts';
import { scanText } from './scan-text.ts';

const found = (text: string, dataClass: string): string[] =>
  scanText(text, { classes: [dataClass], timeBudgetMs: 5000 }).findings.map((finding) =>
    text.slice(finding.start, finding.end),
  );

describe('normalizeForScan', () => {
  it('leaves ASCII text as it is', () => {
    const normalized = normalizeForScan('plain text');
    expect(normalized.text).toBe('plain text');
    expect(normalized.toOriginal(2, 5)).toEqual({ start: 2, end: 5 });
  });

  it('folds full-width digits and maps spans back', () => {
    const original = 'card ４１１１ １１１１ １１１１ １１１１ ok';
    expect(normalizeForScan(original).text).toBe('card 4111 1111 1111 1111 ok');
    expect(found(original, 'payment_card')).toEqual(['４１１１ １１１１ １１１１ １１１１']);
  });

  it('drops zero-width characters inside an email and a card number', () => {
    const email = 'mail ja\u200Bne@exa\u200Dmple.com now';
    expect(found(email, 'email')).toEqual(['ja\u200Bne@exa\u200Dmple.com']);
    const card = 'pay 4111\u200C1111\uFEFF1111\u20601111\u00AD please';
    expect(found(card, 'payment_card')).toEqual(['4111\u200C1111\uFEFF1111\u20601111']);
  });

  it('composes combining characters and keeps them in the original span', () => {
    const original = 'to jose\u0301@example.com, thanks';
    expect(normalizeForScan(original).text).toBe('to jos\u00e9@example.com, thanks');
    expect(found(original, 'email')).toEqual(['jose\u0301@example.com']);
  });

  it('maps spans past astral characters correctly', () => {
    const original = '\u{1F600} call +1 415 555 0100 \u{1F600}';
    expect(found(original, 'phone')).toEqual(['+1 415 555 0100']);
  });

  it('always maps a normalised span to an ordered span inside the original', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          const normalized = normalizeForScan(text);
          const length = normalized.text.length;
          const start = length === 0 ? 0 : a % (length + 1);
          const end = start + (length === 0 ? 0 : b % (length - start + 1));
          const span = normalized.toOriginal(start, end);
          expect(span.start).toBeGreaterThanOrEqual(0);
          expect(span.end).toBeGreaterThanOrEqual(span.start);
          expect(span.end).toBeLessThanOrEqual(text.length);
        },
      ),
    );
  });
});
