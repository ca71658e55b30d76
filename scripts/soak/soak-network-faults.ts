/**
 * Network faults on the link between the gateway and the primary provider, injected through the
 * TCP fault proxy on a fixed schedule: every `everySeconds` the next fault of a cycle (a latency
 * spike, a stall past the primary's timeouts, a reset of every open connection, a slow trickle).
 * Each lasts a few seconds, so the link is faulty for a few percent of the run.
 */
import type { FaultProxy } from '../../test/helpers/fault-proxy.ts';

export type NetworkFault = 'latency-spike' | 'stall' | 'reset' | 'trickle';

const cycle: readonly NetworkFault[] = ['latency-spike', 'stall', 'reset', 'trickle'];

/** How long each fault lasts, in ms (a reset is one instant). */
const durationMs: Readonly<Record<NetworkFault, number>> = {
  // 300 ms on every chunk, within the primary's first_byte_ms and idle_ms.
  'latency-spike': 3000,
  // Past first_byte_ms and idle_ms (1 s): waiting requests time out and fall back, streams end
  // with an in-stream error.
  stall: 1500,
  reset: 0,
  // 64-byte pieces 5 ms apart: slow answers that still arrive.
  trickle: 3000,
};

export interface NetworkFaultSchedule {
  /** Faults injected so far, by kind. */
  readonly injected: Record<string, number>;
  /** Stops the schedule and clears any fault in force. */
  stop(): void;
}

/** Starts the schedule on `proxy`; the first fault comes after `everySeconds`. */
export function scheduleNetworkFaults(
  proxy: FaultProxy,
  everySeconds: number,
): NetworkFaultSchedule {
  const injected: Record<string, number> = {};
  let next = 0;
  let clearTimer: NodeJS.Timeout | undefined;
  const inject = (): void => {
    const fault = cycle[next % cycle.length] ?? 'reset';
    next += 1;
    injected[fault] = (injected[fault] ?? 0) + 1;
    if (fault === 'reset') {
      proxy.reset();
      return;
    }
    proxy.set(
      fault === 'latency-spike'
        ? { latencyMs: 300 }
        : fault === 'stall'
          ? { stall: true }
          : { slice: { bytes: 64, delayMs: 5 } },
    );
    clearTimer = setTimeout(() => proxy.clear(), durationMs[fault]);
  };
  const timer = setInterval(inject, everySeconds * 1000);
  return {
    injected,
    stop() {
      clearInterval(timer);
      clearTimeout(clearTimer);
      proxy.clear();
    },
  };
}
