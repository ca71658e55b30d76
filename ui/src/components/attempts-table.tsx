import type { Attempt } from '../api/api-types.ts';
import { formatMs } from '../lib/format.ts';

/** The attempts a request made, in order, with how each ended. */
export function AttemptsTable({ attempts }: { readonly attempts: readonly Attempt[] }) {
  if (attempts.length === 0) {
    return <p className="muted">No upstream attempts.</p>;
  }
  return (
    <table className="table compact" data-testid="attempts-table">
      <thead>
        <tr>
          <th>#</th>
          <th>Deployment</th>
          <th>Outcome</th>
          <th>Status</th>
          <th>Error</th>
          <th className="number">Duration</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt, index) => (
          <tr key={index}>
            <td>{index + 1}</td>
            <td>
              {attempt.deployment ?? '–'}
              {attempt.retry === undefined || attempt.retry === 0
                ? ''
                : ` (retry ${attempt.retry})`}
            </td>
            <td>{attempt.outcome ?? '–'}</td>
            <td>{attempt.status ?? '–'}</td>
            <td>{attempt.error_class ?? attempt.error_code ?? ''}</td>
            <td className="number">{formatMs(attempt.duration_ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
