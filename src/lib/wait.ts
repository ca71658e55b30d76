import type { Cancellation } from './cancellation.ts';

/**
 * Resolves after `ms` milliseconds, or as soon as `cancellation` fires (at once if it already
 * has). Never rejects: the caller checks `cancellation.cancelled` afterwards.
 */
export function wait(ms: number, cancellation: Cancellation): Promise<void> {
  if (cancellation.cancelled || ms <= 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
    const unsubscribe = cancellation.subscribe(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
