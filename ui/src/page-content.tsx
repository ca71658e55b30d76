import type { SessionView } from './api/api-types.ts';
import { AuditPage } from './pages/audit-page.tsx';
import { BudgetsPage } from './pages/budgets-page.tsx';
import { ContextPage } from './pages/context-page.tsx';
import { DeploymentsPage } from './pages/deployments-page.tsx';
import { KeysPage } from './pages/keys-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { PlaygroundPage } from './pages/playground-page.tsx';
import { PoliciesPage } from './pages/policies-page.tsx';
import { PromptsPage } from './pages/prompts-page.tsx';
import { RequestDetailPage } from './pages/request-detail-page.tsx';
import { RequestsPage } from './pages/requests-page.tsx';
import { RoutingPage } from './pages/routing-page.tsx';
import { TeamsPage } from './pages/teams-page.tsx';

/**
 * Picks the page for a hash route (`#/requests/<id>` is a request's detail; `#/prompts/<id>` and
 * `#/context/<id>` are a prompt's and a context document's).
 */
export function PageContent({
  route,
  session,
}: {
  readonly route: readonly string[];
  readonly session: SessionView;
}) {
  const [page = 'overview', id] = route;
  switch (page) {
    case 'overview':
      return <OverviewPage />;
    case 'requests':
      return id === undefined ? <RequestsPage /> : <RequestDetailPage id={id} />;
    case 'keys':
      return <KeysPage />;
    case 'teams':
      return <TeamsPage session={session} />;
    case 'budgets':
      return <BudgetsPage />;
    case 'deployments':
      return <DeploymentsPage />;
    case 'policies':
      return <PoliciesPage />;
    case 'prompts':
      return <PromptsPage id={id} session={session} />;
    case 'context':
      return <ContextPage id={id} session={session} />;
    case 'audit':
      return <AuditPage />;
    case 'routing':
      return <RoutingPage />;
    case 'playground':
      return <PlaygroundPage />;
    default:
      return <p className="muted">There is no page {page}.</p>;
  }
}
