import type { ListOf, PromptSummaryView, SessionView } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PromptDetail } from '../components/prompt-detail.tsx';
import { PromptVersionForm } from '../components/prompt-version-form.tsx';
import { formatTime } from '../lib/format.ts';
import { describeTargets } from '../lib/prompt-labels.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { routeHref } from '../lib/use-hash-route.ts';

/**
 * The prompt registry: every prompt with its newest version and labels (`#/prompts`), or one
 * prompt's versions, labels and traffic (`#/prompts/<id>`). Changes are for platform admins;
 * everyone else who may read the registry sees it read-only.
 */
export function PromptsPage({
  id,
  session,
}: {
  readonly id: string | undefined;
  readonly session: SessionView;
}) {
  const canWrite = session.caller.platform_admin;
  if (id !== undefined) {
    return (
      <>
        <PageHeader title="Prompt" subtitle={id}>
          <a className="button secondary" href={routeHref('prompts')}>
            ← All prompts
          </a>
        </PageHeader>
        <PromptDetail key={id} promptId={id} canWrite={canWrite} />
      </>
    );
  }
  return <PromptList canWrite={canWrite} />;
}

function PromptList({ canWrite }: { readonly canWrite: boolean }) {
  const prompts = useApiData<ListOf<PromptSummaryView>>('/admin/prompts');
  const list = prompts.data?.data ?? [];
  return (
    <>
      <PageHeader title="Prompts" subtitle="Versioned prompt templates and their labels" />
      <ErrorBanner message={prompts.error} />
      <div className="card table-card">
        <table className="table" data-testid="prompt-table">
          <thead>
            <tr>
              <th>Prompt</th>
              <th className="number">Latest version</th>
              <th>Labels</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.map((prompt) => (
              <tr key={prompt.id} data-testid="prompt-row" data-prompt-id={prompt.id}>
                <td className="mono">
                  <a href={routeHref('prompts', prompt.id)} data-testid="prompt-link">
                    {prompt.id}
                  </a>
                </td>
                <td className="number">v{prompt.latest_version}</td>
                <td>
                  {prompt.labels.map((label) => (
                    <div key={label.label}>
                      <span className="mono">{label.label}</span> → {describeTargets(label.targets)}
                    </div>
                  ))}
                </td>
                <td>{formatTime(prompt.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.length === 0 && !prompts.loading && prompts.error === undefined ? (
          <p className="empty">No prompts are stored yet.</p>
        ) : null}
      </div>
      {canWrite ? (
        <PromptVersionForm
          onCreated={(version) => {
            window.location.hash = routeHref('prompts', version.id);
          }}
        />
      ) : null}
    </>
  );
}
