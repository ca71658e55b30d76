import cluster, { type Worker } from 'node:cluster';
import { systemClock } from '../lib/clock.ts';
import { serveClusterMetrics } from '../observability/metrics/cluster-metrics.ts';
import type { CliIo } from './cli-io.ts';
import { waitForStopSignal } from './wait-for-stop-signal.ts';

/** Restarts of crashed workers allowed per minute before the primary gives up. */
const maximumRestartsPerMinute = 10;

/**
 * The primary of `signalbox serve --workers N`: forks N workers (each a whole gateway sharing
 * the listening port and the configured storage), restarts one that crashes, stops them all on
 * SIGINT or SIGTERM (each finishing its in-flight requests), and resolves the exit code. Says
 * where it listens once, when the first worker is up.
 */
export async function runWorkerPrimary(
  count: number,
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  cluster.setupPrimary({ args: [...args], silent: false });
  // GET /metrics on any worker reports the whole cluster: the primary gathers every worker's.
  serveClusterMetrics();
  const state = { stopping: false, failed: false };
  let announced = false;
  const restarts: number[] = [];
  const alive = new Set<Worker>();
  const fork = (): void => {
    alive.add(cluster.fork({ SIGNALBOX_WORKER: '1' }));
  };
  const stopAll = (): void => {
    for (const worker of alive) worker.process.kill('SIGTERM');
  };
  // Workers say where the gateway listens (they also run other listeners, such as mock providers).
  cluster.on('message', (_worker, message: unknown) => {
    const url = listeningUrl(message);
    if (announced || url === undefined) return;
    announced = true;
    io.error(
      `Signalbox is listening on ${url} (OpenAI base URL: ${url}/v1) with ${String(count)} workers`,
    );
  });
  const allExited = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      alive.delete(worker);
      if (!state.stopping) {
        const now = systemClock.monotonic();
        restarts.push(now);
        while ((restarts[0] ?? now) < now - 60_000) restarts.shift();
        io.error(
          `Signalbox worker ${String(worker.process.pid)} exited (code ${String(code)}, signal ${signal}); ${restarts.length > maximumRestartsPerMinute ? 'too many restarts, stopping' : 'restarting it'}`,
        );
        if (restarts.length > maximumRestartsPerMinute) {
          state.failed = true;
          state.stopping = true;
          stopAll();
        } else {
          fork();
          return;
        }
      }
      if (alive.size === 0) resolve();
    });
  });
  for (let index = 0; index < count; index += 1) fork();
  await Promise.race([waitForStopSignal(), allExited]);
  if (!state.stopping) {
    state.stopping = true;
    io.error('Signalbox is shutting down; in-flight requests may finish.');
    stopAll();
  }
  await allExited;
  return state.failed ? 1 : 0;
}

/** The message a worker sends once its gateway listens. */
export interface WorkerListening {
  readonly type: 'signalbox-listening';
  readonly url: string;
}

function listeningUrl(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const candidate = message as Partial<WorkerListening>;
  return candidate.type === 'signalbox-listening' && typeof candidate.url === 'string'
    ? candidate.url
    : undefined;
}
