import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodWindow, type BudgetPeriod } from './budget-period.ts';

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

  it('answers for the time asked, whatever was asked before (earlier, later, other periods)', () => {
    const day = (ms: number): number => Math.floor(ms / 86_400_000) * 86_400_000;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom<BudgetPeriod>('day', 'week', 'month', 'total'),
            // 2000-01-01 to 2100-01-01, with many times near one another and on boundaries.
            fc.oneof(
              fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }),
              fc
                .integer({ min: 20_000, max: 20_100 })
                .chain((days) =>
                  fc.constantFrom(days * 86_400_000 - 1, days * 86_400_000, days * 86_400_000 + 1),
                ),
            ),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (calls) => {
          for (const [period, nowMs] of calls) {
            const window = periodWindow(period, nowMs);
            if (period === 'total') {
              expect(window).toEqual({ startMs: 0, endMs: null, label: 'all' });
              continue;
            }
            const start = new Date(window.startMs);
            expect(window.startMs).toBe(day(window.startMs));
            expect(window.startMs).toBeLessThanOrEqual(nowMs);
            expect(window.endMs).toBeGreaterThan(nowMs);
            expect(window.label).toBe(start.toISOString().slice(0, period === 'month' ? 7 : 10));
            if (period === 'day') expect(window.endMs).toBe(window.startMs + 86_400_000);
            if (period === 'week') {
              expect(start.getUTCDay()).toBe(1);
              expect(window.endMs).toBe(window.startMs + 7 * 86_400_000);
            }
            if (period === 'month') {
              expect(start.getUTCDate()).toBe(1);
              expect(new Date(window.endMs ?? 0).getUTCDate()).toBe(1);
              expect(window.endMs).toBe(
                Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1),
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out windows nobody can change', () => {
    const window = periodWindow('day', at('2026-11-22T10:00:00Z'));
    expect(Object.isFrozen(window)).toBe(true);
    expect(periodWindow('day', at('2026-11-22T11:00:00Z'))).toBe(window);
  });
});
