import { describe, expect, it } from 'vitest';
import { CancellationSource } from './cancellation.ts';

describe('CancellationSource', () => {
  it('calls each subscriber once, and late subscribers at once', () => {
    const source = new CancellationSource();
    const calls: string[] = [];
    source.subscribe(() => calls.push('a'));
    const unsubscribe = source.subscribe(() => calls.push('b'));
    unsubscribe();
    source.cancel();
    source.cancel();
    source.subscribe(() => calls.push('late'));
    expect(calls).toEqual(['a', 'late']);
    expect(source.cancelled).toBe(true);
  });
});
