import type { Clock } from '../../lib/clock.ts';

/** A time allowance for one scan; detectors poll it between matches and stop once it is spent. */
export interface ScanBudget {
  /** True once the allowance is used up. Cheap enough to call after every match. */
  expired(): boolean;
}

/** A budget of `milliseconds` of monotonic time from now; `Infinity` never expires. */
export function startScanBudget(milliseconds: number, clock: Clock): ScanBudget {
  const deadline = clock.monotonic() + milliseconds;
  let spent = false;
  return {
    expired: () => {
      if (!spent && clock.monotonic() > deadline) spent = true;
      return spent;
    },
  };
}

/** A budget that never runs out, for callers that bound time some other way. */
export const unlimitedScanBudget: ScanBudget = { expired: () => false };
