import type { DecisionTrace, TraceGroup } from '../api/api-types.ts';
import { formatScore, formatShare } from '../lib/format.ts';
import { StatusPill } from './status-pill.tsx';

/**
 * A routing decision as a reader wants it: the reason first, then per model group the rules,
 * the candidates with the filter that removed each and their scores, and the final order.
 */
export function DecisionTraceView({ trace }: { readonly trace: DecisionTrace }) {
  return (
    <section className="trace" data-testid="decision-trace">
      <dl className="facts">
        <dt>Model</dt>
        <dd>{trace.model}</dd>
        <dt>Reason</dt>
        <dd data-testid="decision-reason">{trace.reason}</dd>
        {trace.estimated_input_tokens === undefined ? null : (
          <>
            <dt>Estimated input tokens</dt>
            <dd>{trace.estimated_input_tokens}</dd>
          </>
        )}
        {trace.plan_micros === undefined ? null : (
          <>
            <dt>Planning time</dt>
            <dd>{trace.plan_micros} µs</dd>
          </>
        )}
      </dl>
      {trace.groups.map((group, index) => (
        <TraceGroupView key={`${group.alias}-${index}`} group={group} />
      ))}
      {trace.cascade === undefined ? null : (
        <div className="trace-group">
          <h4>
            Cascade {trace.cascade.group} {trace.cascade.escalated ? '(escalated)' : ''}
          </h4>
          <ol>
            {trace.cascade.tiers.map((tier) => (
              <li key={tier.deployment}>
                {tier.deployment}: {tier.accepted ? 'accepted' : 'rejected'}
                {tier.reasons.length > 0 ? ` (${tier.reasons.join(', ')})` : ''}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function TraceGroupView({ group }: { readonly group: TraceGroup }) {
  return (
    <div className="trace-group">
      <h4>
        {group.alias} <span className="muted">· {group.strategy}</span>
        {group.variant === null ? '' : ` · variant ${group.variant}`}
        <span className="muted"> · via {group.via}</span>
      </h4>
      {group.rules.length === 0 ? null : (
        <p>
          Rules:{' '}
          {group.rules.map((rule) => (
            <span key={rule.name} className="rule">
              <StatusPill
                tone={rule.error !== undefined ? 'bad' : rule.matched ? 'good' : 'neutral'}
              >
                {`${rule.name}${rule.matched ? ' ✓' : ''}`}
              </StatusPill>{' '}
            </span>
          ))}
        </p>
      )}
      {group.learned === undefined ? null : (
        <p>
          Learned router <strong>{group.learned.router}</strong> ({group.learned.version}) chose{' '}
          <strong>{group.learned.choice ?? '–'}</strong>: score {formatScore(group.learned.score)}{' '}
          against threshold {formatScore(group.learned.threshold)}, difficulty{' '}
          {formatShare(group.learned.difficulty)}.
        </p>
      )}
      {group.semantic === undefined ? null : (
        <p>
          Semantic route {group.semantic.route ?? 'none'} (nearest {group.semantic.nearest ?? '–'},
          similarity {formatScore(group.semantic.similarity)}).
        </p>
      )}
      {group.session === undefined ? null : (
        <p>
          Session affinity: {group.session.kept ? 'kept' : 'not kept'} ({group.session.reason}).
        </p>
      )}
      <table className="table compact">
        <thead>
          <tr>
            <th>Candidate</th>
            <th>Eligible</th>
            <th>Filtered by</th>
            <th>Demoted by</th>
            <th className="number">Score</th>
            <th className="number">Order</th>
          </tr>
        </thead>
        <tbody>
          {group.candidates.map((candidate) => {
            const place = group.order.indexOf(candidate.deployment);
            return (
              <tr key={candidate.deployment} data-testid="trace-candidate">
                <td>{candidate.deployment}</td>
                <td>
                  <StatusPill tone={candidate.eligible ? 'good' : 'bad'}>
                    {candidate.eligible ? 'yes' : 'no'}
                  </StatusPill>
                </td>
                <td>{candidate.filtered_by ?? ''}</td>
                <td>{candidate.demoted_by ?? ''}</td>
                <td className="number">{formatScore(candidate.score)}</td>
                <td className="number">{place === -1 ? '' : place + 1}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">Order: {group.order.join(' → ') || 'none'}</p>
    </div>
  );
}
