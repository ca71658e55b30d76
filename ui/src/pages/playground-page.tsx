import { useState, type SyntheticEvent } from 'react';
import { apiRequest } from '../api/api-client.ts';
import type { RouteDecision } from '../api/api-types.ts';
import { DecisionTraceView } from '../components/decision-trace-view.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { PlaygroundAnswer, type PlaygroundResult } from '../components/playground-answer.tsx';
import { messageOf } from '../lib/use-api-data.ts';

/**
 * Try a prompt: see where the gateway would route it (POST /v1/route, no model is called), then
 * send it (POST /v1/chat/completions) and see the answer, the decision headers and the cost.
 */
export function PlaygroundPage() {
  const [model, setModel] = useState('');
  const [prompt, setPrompt] = useState('');
  const [decision, setDecision] = useState<RouteDecision | undefined>();
  const [result, setResult] = useState<PlaygroundResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const body = () => ({ model: model.trim(), messages: [{ role: 'user', content: prompt }] });

  const route = (event: SyntheticEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    apiRequest<RouteDecision>('POST', '/v1/route', body())
      .then((answer) => setDecision(answer.body))
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  const send = (): void => {
    setBusy(true);
    setError(undefined);
    apiRequest<PlaygroundResult['body']>('POST', '/v1/chat/completions', body())
      .then((answer) => {
        const headers: [string, string][] = [];
        answer.headers.forEach((value, name) => {
          if (name.startsWith('x-signalbox-')) headers.push([name, value]);
        });
        setResult({ body: answer.body, headers: headers.sort(([a], [b]) => a.localeCompare(b)) });
      })
      .catch((thrown: unknown) => setError(messageOf(thrown)))
      .finally(() => setBusy(false));
  };

  return (
    <>
      <PageHeader title="Playground" subtitle="See how a prompt is routed, then send it" />
      <form className="card form-grid" onSubmit={route} data-testid="playground-form">
        <label>
          Model or alias
          <input
            value={model}
            onChange={(event) => setModel(event.target.value)}
            required
            data-testid="playground-model"
          />
        </label>
        <label className="full">
          Prompt
          <textarea
            rows={5}
            value={prompt}
            onChange={(event) => setPrompt(event.target.value)}
            required
            data-testid="playground-prompt"
          />
        </label>
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy} data-testid="playground-route">
            Show routing decision
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy || model.trim() === '' || prompt === ''}
            onClick={send}
            data-testid="playground-send"
          >
            Send
          </button>
        </div>
      </form>
      <ErrorBanner message={error} />
      {decision === undefined ? null : (
        <section className="card" data-testid="playground-decision">
          <h2>
            Would go to {decision.deployment}{' '}
            <span className="muted">
              ({decision.provider} / {decision.upstream_model})
            </span>
          </h2>
          {decision.alternatives.length === 0 ? null : (
            <p className="muted">
              Then: {decision.alternatives.map((entry) => entry.deployment).join(' → ')}
            </p>
          )}
          <DecisionTraceView trace={decision.decision} />
        </section>
      )}
      {result === undefined ? null : <PlaygroundAnswer result={result} />}
    </>
  );
}
