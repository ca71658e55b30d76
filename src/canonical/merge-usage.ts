import type { Usage } from './usage.ts';

/** Usage with `next`'s reported fields over `previous`'s. Pure. */
export function mergeUsage(previous: Usage | undefined, next: Usage): Usage {
  if (previous === undefined) {
    return next;
  }
  return {
    inputTokens: { ...previous.inputTokens, ...next.inputTokens },
    outputTokens: { ...previous.outputTokens, ...next.outputTokens },
  };
}
