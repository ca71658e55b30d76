/** The periods the console offers, with the stats bucket that suits each. */
export const timeRanges = {
  '1h': { label: 'Last hour', ms: 3_600_000, bucket: 'minute' },
  '24h': { label: 'Last 24 hours', ms: 86_400_000, bucket: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, bucket: 'day' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, bucket: 'day' },
} as const;

export type TimeRangeName = keyof typeof timeRanges;

/** `from` and `to` as ISO strings for a period ending now. */
export function rangeBounds(name: TimeRangeName): { from: string; to: string } {
  const to = Date.now();
  return {
    from: new Date(to - timeRanges[name].ms).toISOString(),
    to: new Date(to).toISOString(),
  };
}
