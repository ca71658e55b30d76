import { useState, type SyntheticEvent } from 'react';
import type { TimeRangeName } from '../lib/time-range.ts';
import { TimeRangeSelect } from './time-range-select.tsx';

export interface RequestFilterValues {
  readonly model: string;
  readonly key_id: string;
  readonly status: string;
  readonly outcome: string;
  readonly range: TimeRangeName | '';
}

export const emptyRequestFilters: RequestFilterValues = {
  model: '',
  key_id: '',
  status: '',
  outcome: '',
  range: '24h',
};

const outcomes = ['', 'completed', 'rejected', 'upstream-error', 'client-closed'];

/** The filter bar of the requests explorer; applies on submit. */
export function RequestFilters({
  initial,
  onApply,
}: {
  readonly initial: RequestFilterValues;
  readonly onApply: (values: RequestFilterValues) => void;
}) {
  const [values, setValues] = useState(initial);
  const set = (name: keyof RequestFilterValues, value: string): void =>
    setValues((previous) => ({ ...previous, [name]: value }));
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    onApply(values);
  };
  return (
    <form className="filters" onSubmit={submit} data-testid="request-filters">
      <input
        placeholder="Model"
        value={values.model}
        onChange={(event) => set('model', event.target.value)}
        data-testid="filter-model"
      />
      <input
        placeholder="Key id"
        value={values.key_id}
        onChange={(event) => set('key_id', event.target.value)}
        data-testid="filter-key"
      />
      <input
        placeholder="Status"
        inputMode="numeric"
        value={values.status}
        onChange={(event) => set('status', event.target.value)}
        data-testid="filter-status"
        className="narrow"
      />
      <select
        value={values.outcome}
        onChange={(event) => set('outcome', event.target.value)}
        aria-label="Outcome"
        data-testid="filter-outcome"
      >
        {outcomes.map((outcome) => (
          <option key={outcome} value={outcome}>
            {outcome === '' ? 'Any outcome' : outcome}
          </option>
        ))}
      </select>
      <TimeRangeSelect
        value={values.range}
        onChange={(value) => set('range', value)}
        testId="filter-range"
      />
      <button type="submit" className="button" data-testid="filter-apply">
        Apply
      </button>
    </form>
  );
}
