import { describe, expect, it } from 'vitest';
import { redact } from './redact.ts';
import { scanText } from './scan-text.ts';

describe('redact', () => {
  const text = 'mail bob@example.com or 4111 1111 1111 1111.';
  const { findings } = scanText(text, { timeBudgetMs: 5000 });

  it('masks each finding with a placeholder naming its class', () => {
    expect(redact(text, findings, 'mask')).toBe('mail [EMAIL] or [PAYMENT_CARD].');
  });

  it('removes findings', () => {
    expect(redact(text, findings, 'remove')).toBe('mail  or .');
  });

  it('merges overlapping and unordered findings', () => {
    const overlapping = [
      { type: 'b', start: 4, end: 8 },
      { type: 'a', start: 2, end: 6 },
    ];
    expect(redact('0123456789', overlapping, 'mask')).toBe('01[A]89');
  });

  it('hits the original characters when normalisation changed the text', () => {
    const original = 'pay ４１１１\u200B１１１１ １１１１ １１１１ now';
    const result = scanText(original, { timeBudgetMs: 5000 });
    expect(redact(original, result.findings, 'mask')).toBe('pay [PAYMENT_CARD] now');
  });
});
