import { useCallback, useEffect, useState } from 'react';
import { apiRequest, setCsrfToken, setUnauthorisedHandler } from './api/api-client.ts';
import type { SessionView } from './api/api-types.ts';
import { Sidebar } from './components/sidebar.tsx';
import { useHashRoute } from './lib/use-hash-route.ts';
import { PageContent } from './page-content.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';

type SessionState =
  | { readonly kind: 'checking' }
  | { readonly kind: 'signed-out' }
  | {
      readonly kind: 'signed-in';
      readonly session: SessionView;
    };

/** The shell: checks the session cookie, then shows sign-in or the sidebar and current page. */
export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const route = useHashRoute();

  const signedIn = useCallback((session: SessionView) => {
    setCsrfToken(session.csrf_token);
    setState({ kind: 'signed-in', session });
  }, []);

  useEffect(() => {
    setUnauthorisedHandler(() => {
      setCsrfToken(undefined);
      setState({ kind: 'signed-out' });
    });
    apiRequest<SessionView>('GET', '/admin/session', undefined, { quietUnauthorised: true }).then(
      (answer) => signedIn(answer.body),
      () => setState({ kind: 'signed-out' }),
    );
    return () => setUnauthorisedHandler(undefined);
  }, [signedIn]);

  const signOut = useCallback(() => {
    apiRequest('DELETE', '/admin/session', undefined, { quietUnauthorised: true })
      .catch(() => undefined)
      .finally(() => {
        setCsrfToken(undefined);
        setState({ kind: 'signed-out' });
      });
  }, []);

  if (state.kind === 'checking') {
    return <p className="loading-screen">Loading…</p>;
  }
  if (state.kind === 'signed-out') {
    return <SignInPage onSignedIn={signedIn} />;
  }
  const current = route[0] ?? 'overview';
  return (
    <div className="layout">
      <Sidebar current={current} session={state.session} onSignOut={signOut} />
      <main className="content">
        <PageContent route={route} session={state.session} />
      </main>
    </div>
  );
}
