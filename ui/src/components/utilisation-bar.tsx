import { formatShare } from '../lib/format.ts';

/** A horizontal bar for a share of a limit: amber from 80%, red at or over 100%. */
export function UtilisationBar({ value }: { readonly value: number }) {
  const level = value >= 1 ? 'over' : value >= 0.8 ? 'high' : 'ok';
  return (
    <div className="utilisation" title={formatShare(value)}>
      <div className="utilisation-track">
        <div
          className={`utilisation-fill utilisation-${level}`}
          style={{ width: `${Math.min(Math.max(value, 0), 1) * 100}%` }}
        />
      </div>
      <span className="utilisation-label">{formatShare(value)}</span>
    </div>
  );
}
