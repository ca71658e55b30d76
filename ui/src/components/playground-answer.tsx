import { formatInteger, formatUsd } from '../lib/format.ts';

export interface PlaygroundResult {
  readonly body: {
    readonly model?: string;
    readonly choices?: readonly { readonly message?: { readonly content?: string | null } }[];
    readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number };
  };
  /** The x-signalbox-* response headers, sorted by name. */
  readonly headers: readonly (readonly [string, string])[];
}

/** The model's answer, the usage and cost, and the gateway's decision headers. */
export function PlaygroundAnswer({ result }: { readonly result: PlaygroundResult }) {
  const content = result.body.choices?.[0]?.message?.content ?? '';
  const cost = result.headers.find(([name]) => name === 'x-signalbox-cost-usd')?.[1];
  return (
    <section className="card" data-testid="playground-answer">
      <h2>
        Answer{' '}
        {result.body.model === undefined ? (
          ''
        ) : (
          <span className="muted">from {result.body.model}</span>
        )}
      </h2>
      <pre className="answer">{content}</pre>
      <p>
        Tokens {formatInteger(result.body.usage?.prompt_tokens)} in /{' '}
        {formatInteger(result.body.usage?.completion_tokens)} out · cost{' '}
        <strong data-testid="playground-cost">
          {cost === undefined ? '–' : formatUsd(Number(cost))}
        </strong>
      </p>
      <table className="table compact" data-testid="playground-headers">
        <tbody>
          {result.headers.map(([name, value]) => (
            <tr key={name}>
              <td className="mono">{name}</td>
              <td className="mono break">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
