import type { LearnedRouter, ListOf } from '../api/api-types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { RouterCurves } from '../components/router-curves.tsx';
import { formatInteger, formatShare } from '../lib/format.ts';
import { useApiData } from '../lib/use-api-data.ts';

/**
 * Learned routers: calibrated against realised shares, each router's held-out quality curve
 * (quality against strong share or cost) and, for strong/weak routers, its calibration curve.
 */
export function RoutingPage() {
  const routers = useApiData<ListOf<LearnedRouter>>('/admin/routing/routers');
  const list = routers.data?.data ?? [];
  return (
    <>
      <PageHeader title="Routing" subtitle="Learned routers in force" />
      <ErrorBanner message={routers.error} />
      {list.length === 0 && !routers.loading ? (
        <p className="muted">No learned routers are configured.</p>
      ) : null}
      {list.map((router) => {
        const strong = router.models[0];
        return (
          <section className="card" key={router.name} data-testid="router-card">
            <h2>
              {router.name} <span className="muted">· {router.version}</span>
            </h2>
            <table className="table compact">
              <thead>
                <tr>
                  <th>Model</th>
                  <th className="number">Calibrated share</th>
                  <th className="number">Realised share</th>
                </tr>
              </thead>
              <tbody>
                {router.models.map((model) => (
                  <tr key={model}>
                    <td>
                      {model}
                      {model === strong && router.target_strong_share !== null ? (
                        <span className="muted"> (strong)</span>
                      ) : null}
                    </td>
                    <td className="number">
                      {router.target_strong_share === null
                        ? '–'
                        : formatShare(
                            model === strong
                              ? router.target_strong_share
                              : 1 - router.target_strong_share,
                          )}
                    </td>
                    <td className="number">{formatShare(router.realised_shares[model])}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              {formatInteger(router.decisions)} decisions since the configuration loaded.
            </p>
            <RouterCurves name={router.name} />
          </section>
        );
      })}
    </>
  );
}
