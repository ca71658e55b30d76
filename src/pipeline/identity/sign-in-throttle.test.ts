import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

describe('SignInThrottle', () => {
  it('allows ten failures per address and minute, then says how long to wait', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle({ clock });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect(throttle.retryAfterSeconds('10.0.0.1')).toBeUndefined();
      throttle.fail('10.0.0.1');
    }
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBeUndefined();
    clock.advance(45_500);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(15);
    clock.advance(14_500);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBeUndefined();
  });

  it('keeps at most maxAddresses windows, dropping the oldest', () => {
    const clock = new ManualClock();
    const throttle = new SignInThrottle({ clock, maxFailures: 1, maxAddresses: 2 });
    throttle.fail('a');
    throttle.fail('b');
    throttle.fail('c');
    expect(throttle.retryAfterSeconds('a')).toBeUndefined();
    expect(throttle.retryAfterSeconds('b')).toBe(60);
    expect(throttle.retryAfterSeconds('c')).toBe(60);
  });
});
