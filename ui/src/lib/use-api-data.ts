import { useCallback, useEffect, useState } from 'react';
import { apiGet } from '../api/api-client.ts';

export interface ApiData<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Loads `path` with GET whenever it changes (undefined: load nothing). A late answer for a path
 * that is no longer current is dropped, so fast filter changes never show stale rows.
 */
export function useApiData<T>(path: string | undefined): ApiData<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({
    loading: path !== undefined,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === undefined) {
      return undefined;
    }
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    apiGet<T>(path).then(
      (data) => {
        if (current) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (current) setState({ error: messageOf(error), loading: false });
      },
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A readable message for anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
