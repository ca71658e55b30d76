import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.ts';
import { createRandomBase62, createTimeOrderedId } from './ids.ts';

describe('createTimeOrderedId', () => {
  it('is a version 7 UUID with the RFC 9562 variant and the clock in its first 48 bits', () => {
    const clock: Clock = { now: () => 1_795_317_216_932, monotonic: () => 0 };
    const id = createTimeOrderedId(clock);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(1_795_317_216_932);
  });

  it('sorts in creation order, also within one millisecond and when the clock steps back', () => {
    let now = 2_000_000_000_000;
    const clock: Clock = { now: () => now, monotonic: () => 0 };
    const ids: string[] = [];
    for (let index = 0; index < 5000; index += 1) {
      if (index === 2500) {
        now -= 10;
      }
      ids.push(createTimeOrderedId(clock));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('createRandomBase62', () => {
  it('returns the requested length over the base-62 alphabet, differently each time', () => {
    const first = createRandomBase62(32);
    expect(first).toMatch(/^[0-9A-Za-z]{32}$/);
    expect(createRandomBase62(32)).not.toBe(first);
  });
});
