import { describe, expect, it } from 'vitest';
import { periodWindow } from './budget-period.ts';

const at = (iso: string): number => Date.parse(iso);

describe('periodWindow', () => {
  it('cuts days at UTC midnight', () => {
    const window = periodWindow('day', at('2026-11-22T23:59:59.999Z'));
    expect(window).toEqual({
      startMs: at('2026-11-22T00:00:00Z'),
      endMs: at('2026-11-23T00:00:00Z'),
      label: '2026-11-22',
    });
    expect(periodWindow('day', at('2026-11-23T00:00:00Z')).label).toBe('2026-11-23');
  });

  it('starts weeks on Monday, also for a Sunday and across a year end', () => {
    // 2026-11-22 is a Sunday.
    expect(periodWindow('week', at('2026-11-22T12:00:00Z')).label).toBe('2026-11-16');
    expect(periodWindow('week', at('2026-11-23T00:00:00Z')).label).toBe('2026-11-23');
    const yearEnd = periodWindow('week', at('2027-01-01T08:00:00Z'));
    expect(yearEnd.label).toBe('2026-12-28');
    expect(yearEnd.endMs).toBe(at('2027-01-04T00:00:00Z'));
  });

  it('runs months to the first of the next, February and December included', () => {
    expect(periodWindow('month', at('2028-02-29T10:00:00Z'))).toEqual({
      startMs: at('2028-02-01T00:00:00Z'),
      endMs: at('2028-03-01T00:00:00Z'),
      label: '2028-02',
    });
    expect(periodWindow('month', at('2026-12-31T23:00:00Z')).endMs).toBe(
      at('2027-01-01T00:00:00Z'),
    );
  });

  it('never ends a total', () => {
    expect(periodWindow('total', at('2026-11-22T00:00:00Z'))).toEqual({
      startMs: 0,
      endMs: null,
      label: 'all',
    });
  });
});
