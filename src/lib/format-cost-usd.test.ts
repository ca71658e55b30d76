import { describe, expect, it } from 'vitest';
import { formatCostUsd } from './format-cost-usd.ts';

describe('formatCostUsd', () => {
  it.each([
    [0, '0'],
    [0.00015, '0.00015'],
    [0.000000004, '0'],
    [0.00000001, '0.00000001'],
    [1.5e-7, '0.00000015'],
    [10, '10'],
    [100, '100'],
    [12.345, '12.345'],
  ])('%s → %s', (value, text) => {
    expect(formatCostUsd(value)).toBe(text);
  });
});
