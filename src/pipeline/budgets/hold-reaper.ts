import type { Clock } from '../../lib/clock.ts';
import type { BudgetStore } from '../../storage/ports.ts';

export interface HoldReaperOptions {
  readonly store: BudgetStore;
  readonly clock: Clock;
  /** How often to look for expired holds. */
  readonly intervalMs: number;
  readonly onReaped: (count: number) => void;
  readonly onFailed: (error: unknown) => void;
}

/** Holds settled per pass; a larger backlog is worked off over several passes. */
const holdsPerPass = 500;

/**
 * Settles budget holds whose request never settled (a process that died mid-request), at the
 * held amount, marked estimated: the conservative answer, since the hold bounded the cost. Every
 * replica may run one; stores take each hold once.
 */
export function startHoldReaper(options: HoldReaperOptions): { stop(): void } {
  let running = false;
  const pass = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const count = await options.store.reapExpired(options.clock.now(), holdsPerPass);
      if (count > 0) options.onReaped(count);
    } catch (error) {
      options.onFailed(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
