import { describe, expect, it, vi } from 'vitest';
import { crashPointNames, parseCrashPoint } from './crash-points.ts';

describe('crash points', () => {
  it('arms a named point for its first or n-th time, and nothing otherwise', () => {
    expect(parseCrashPoint(undefined)).toBeUndefined();
    expect(parseCrashPoint('')).toBeUndefined();
    expect(parseCrashPoint('mid-stream')).toEqual({ name: 'mid-stream', remaining: 1 });
    expect(parseCrashPoint('after-ledger-commit:4')).toEqual({
      name: 'after-ledger-commit',
      remaining: 4,
    });
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (const bad of [
        'nowhere',
        'mid-stream:0',
        'mid-stream:-1',
        'mid-stream:x',
        'mid-stream:1.5',
      ]) {
        expect(parseCrashPoint(bad)).toBeUndefined();
      }
      expect(warn).toHaveBeenCalledTimes(5);
    } finally {
      warn.mockRestore();
    }
    expect(crashPointNames).toHaveLength(8);
  });
});
