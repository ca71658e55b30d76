import { useMemo, useState } from 'react';
import { queryString } from '../api/api-client.ts';
import type { RequestPage } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import {
  emptyRequestFilters,
  RequestFilters,
  type RequestFilterValues,
} from '../components/request-filters.tsx';
import { RequestTable } from '../components/request-table.tsx';
import { rangeBounds } from '../lib/time-range.ts';
import { useApiData } from '../lib/use-api-data.ts';

const pageSize = 50;

/**
 * The request log, newest first, filtered, paged by the server's keyset cursor. The cursors of
 * earlier pages are kept so "Newer" goes back without offsets.
 */
export function RequestsPage() {
  const [filters, setFilters] = useState<RequestFilterValues>(emptyRequestFilters);
  const [cursors, setCursors] = useState<readonly string[]>([]);
  const path = useMemo(() => {
    const bounds = filters.range === '' ? {} : rangeBounds(filters.range);
    return `/admin/requests${queryString({
      ...bounds,
      model: filters.model.trim(),
      key_id: filters.key_id.trim(),
      status: filters.status.trim(),
      outcome: filters.outcome,
      limit: pageSize,
      cursor: cursors.at(-1),
    })}`;
  }, [filters, cursors]);
  const page = useApiData<RequestPage>(path);
  const nextCursor = page.data?.next_cursor ?? null;

  return (
    <>
      <PageHeader title="Requests" subtitle="Every request the gateway answered, newest first" />
      <RequestFilters
        initial={filters}
        onApply={(values) => {
          setCursors([]);
          setFilters(values);
        }}
      />
      <ErrorBanner message={page.error} />
      <RequestTable rows={page.data?.data ?? []} loading={page.loading} />
      <div className="pager">
        <button
          type="button"
          className="button secondary"
          disabled={cursors.length === 0}
          onClick={() => setCursors((previous) => previous.slice(0, -1))}
          data-testid="requests-newer"
        >
          ← Newer
        </button>
        <span className="muted">Page {cursors.length + 1}</span>
        <button
          type="button"
          className="button secondary"
          disabled={nextCursor === null}
          onClick={() => {
            if (nextCursor !== null) setCursors((previous) => [...previous, nextCursor]);
          }}
          data-testid="requests-older"
        >
          Older →
        </button>
      </div>
    </>
  );
}
