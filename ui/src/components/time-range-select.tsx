import { timeRanges, type TimeRangeName } from '../lib/time-range.ts';

/** A select of the console's periods. */
export function TimeRangeSelect({
  value,
  onChange,
  testId,
}: {
  readonly value: TimeRangeName | '';
  readonly onChange: (value: TimeRangeName | '') => void;
  readonly testId?: string;
}) {
  return (
    <select
      value={value}
      onChange={(event) => onChange(event.target.value as TimeRangeName | '')}
      data-testid={testId}
      aria-label="Period"
    >
      <option value="">Any time</option>
      {Object.entries(timeRanges).map(([name, range]) => (
        <option key={name} value={name}>
          {range.label}
        </option>
      ))}
    </select>
  );
}
