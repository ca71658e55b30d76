import type {
  ContextAttachmentView,
  ContextDocumentDetailView,
  ContextDocumentSummaryView,
  ListOf,
  SessionView,
} from '../api/api-types.ts';
import { ContextAttachments } from '../components/context-attachments.tsx';
import { ContextVersionForm } from '../components/context-version-form.tsx';
import { ContextVersionsTable } from '../components/context-versions-table.tsx';
import { DocumentStatusPill } from '../components/document-status-pill.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { formatTime } from '../lib/format.ts';
import { useApiData } from '../lib/use-api-data.ts';
import { routeHref } from '../lib/use-hash-route.ts';

/**
 * Governed context documents: every document with the version served and its status, and where
 * documents are attached (`#/context`); or one document's versions and attachments
 * (`#/context/<id>`). Storing, approving, revoking and attaching are for platform admins;
 * everyone else who may read them sees the pages read-only.
 */
export function ContextPage({
  id,
  session,
}: {
  readonly id: string | undefined;
  readonly session: SessionView;
}) {
  const canWrite = session.caller.platform_admin;
  return id === undefined ? (
    <DocumentList canWrite={canWrite} />
  ) : (
    <DocumentDetail key={id} documentId={id} canWrite={canWrite} />
  );
}

function DocumentList({ canWrite }: { readonly canWrite: boolean }) {
  const documents = useApiData<ListOf<ContextDocumentSummaryView>>('/admin/context-documents');
  const attachments = useApiData<ListOf<ContextAttachmentView>>('/admin/context-attachments');
  const list = documents.data?.data ?? [];
  const reload = (): void => {
    documents.reload();
    attachments.reload();
  };

  return (
    <>
      <PageHeader
        title="Context"
        subtitle="Reference documents injected into requests once approved"
      />
      <ErrorBanner message={documents.error} />
      <div className="card table-card">
        <table className="table" data-testid="context-document-table">
          <thead>
            <tr>
              <th>Document</th>
              <th>Title</th>
              <th>Owner</th>
              <th className="number">Latest</th>
              <th>Serving</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.map((document) => (
              <tr key={document.id} data-testid="context-document-row" data-document={document.id}>
                <td className="mono">
                  <a href={routeHref('context', document.id)} data-testid="context-document-link">
                    {document.id}
                  </a>
                </td>
                <td>{document.title}</td>
                <td>{document.owner}</td>
                <td className="number">v{document.latest_version}</td>
                <td data-testid="context-document-serving">
                  {document.served_version === null ? '' : `v${document.served_version} `}
                  <DocumentStatusPill status={document.served_status} />
                </td>
                <td>{formatTime(document.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.length === 0 && !documents.loading && documents.error === undefined ? (
          <p className="empty">No context documents are stored yet.</p>
        ) : null}
      </div>
      <ErrorBanner message={attachments.error} />
      <ContextAttachments
        attachments={attachments.data?.data ?? []}
        documents={list
          .filter((document) => document.served_version !== null)
          .map((document) => document.id)}
        canWrite={canWrite}
        onChanged={reload}
      />
      {canWrite ? (
        <ContextVersionForm
          onCreated={(version) => {
            window.location.hash = routeHref('context', version.id);
          }}
        />
      ) : null}
    </>
  );
}

function DocumentDetail({
  documentId,
  canWrite,
}: {
  readonly documentId: string;
  readonly canWrite: boolean;
}) {
  const detail = useApiData<ContextDocumentDetailView>(
    `/admin/context-documents/${encodeURIComponent(documentId)}`,
  );
  const document = detail.data;
  const newest = document?.versions[0];

  return (
    <>
      <PageHeader title="Context document" subtitle={documentId}>
        <a className="button secondary" href={routeHref('context')}>
          ← All documents
        </a>
      </PageHeader>
      <ErrorBanner message={detail.error} />
      {document === undefined ? null : (
        <>
          <section className="card" data-testid="context-document-versions">
            <h2>Versions</h2>
            <ContextVersionsTable
              documentId={documentId}
              versions={document.versions}
              canWrite={canWrite}
              onChanged={detail.reload}
            />
          </section>
          <ContextAttachments
            attachments={document.attachments}
            documents={[documentId]}
            document={documentId}
            canWrite={canWrite}
            onChanged={detail.reload}
          />
          {canWrite ? (
            <ContextVersionForm
              // Remounted when a version is added, so title and owner follow the newest.
              key={newest?.version ?? 0}
              documentId={documentId}
              {...(newest === undefined
                ? {}
                : { previous: { title: newest.title, owner: newest.owner } })}
              onCreated={detail.reload}
            />
          ) : null}
        </>
      )}
    </>
  );
}
