import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** What `GET /metrics` serves: the exposition text and its content type. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

interface MetricsRequest {
  readonly type: 'signalbox-metrics-request';
  readonly id: number;
}

interface MetricsResponse {
  readonly type: 'signalbox-metrics-response';
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

const askTimeoutMs = 6_000;

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return (
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type
  );
}

/**
 * Under `serve --workers`, the metrics of every worker summed (counters, histograms, process
 * metrics) or their maximum (circuit and budget gauges): the worker that serves `GET /metrics`
 * asks the primary, which asks every worker over IPC (prom-client's AggregatorRegistry). Outside a
 * cluster worker, the registry's own text. Rejects when the primary does not answer in time.
 */
export function clusterAwareExposition(registry: Registry): MetricsExposition {
  if (!cluster.isWorker || process.send === undefined) {
    return { contentType: registry.contentType, render: () => registry.metrics() };
  }
  // Answer the primary's requests for this worker's metrics (prom-client's IPC listener).
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
  const pending = new Map<number, (response: MetricsResponse) => void>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, 'signalbox-metrics-response')) return;
    pending.get(message.id)?.(message);
  });
  return {
    contentType: registry.contentType,
    render() {
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the primary process did not answer for the metrics of the workers'));
        }, askTimeoutMs);
        pending.set(id, (response) => {
          clearTimeout(timer);
          pending.delete(id);
          if (response.text === undefined) reject(new Error(response.error ?? 'no metrics'));
          else resolve(response.text);
        });
        const request: MetricsRequest = { type: 'signalbox-metrics-request', id };
        process.send?.(request);
      });
    },
  };
}

/**
 * In the primary of `serve --workers`: answers workers' requests for the whole cluster's metrics
 * by gathering every worker's registry. Call once, before forking.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, 'signalbox-metrics-request')) return;
    const reply = (response: MetricsResponse): void => {
      if (worker.isConnected()) worker.send(response);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ type: 'signalbox-metrics-response', id: message.id, text }),
      (error: unknown) =>
        reply({
          type: 'signalbox-metrics-response',
          id: message.id,
          error: error instanceof Error ? error.message : 'metrics could not be gathered',
        }),
    );
  });
}
