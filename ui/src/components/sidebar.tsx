import type { SessionView } from '../api/api-types.ts';
import { routeHref } from '../lib/use-hash-route.ts';

/** The console's pages, in sidebar order: route segment and label. */
export const pages = [
  ['overview', 'Overview'],
  ['requests', 'Requests'],
  ['keys', 'Keys'],
  ['teams', 'Teams'],
  ['budgets', 'Budgets'],
  ['deployments', 'Deployments'],
  ['policies', 'Policies'],
  ['prompts', 'Prompts'],
  ['context', 'Context'],
  ['audit', 'Audit'],
  ['routing', 'Routing'],
  ['playground', 'Playground'],
] as const;

/** Navigation, the signed-in caller and the sign-out button. */
export function Sidebar({
  current,
  session,
  onSignOut,
}: {
  readonly current: string;
  readonly session: SessionView;
  readonly onSignOut: () => void;
}) {
  return (
    <nav className="sidebar" aria-label="Console">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Signalbox
      </div>
      <ul>
        {pages.map(([segment, label]) => (
          <li key={segment}>
            <a
              href={routeHref(segment)}
              className={current === segment ? 'active' : undefined}
              data-testid={`nav-${segment}`}
            >
              {label}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        <div className="caller" data-testid="session-caller">
          {session.caller.agent}
          <span className="muted">
            {session.caller.role}
            {session.caller.org === null ? '' : ` · ${session.caller.org}`}
          </span>
        </div>
        <button
          type="button"
          className="button secondary"
          onClick={onSignOut}
          data-testid="sign-out"
        >
          Sign out
        </button>
      </div>
    </nav>
  );
}
