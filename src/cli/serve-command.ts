import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { prepareWorkers } from '../app/prepare-workers.ts';
import { runWorkerPrimary, type WorkerListening } from './run-worker-primary.ts';
import { ConfigError } from '../app/config-error.ts';
import { startGateway } from '../app/start-gateway.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import { waitForStopSignal } from './wait-for-stop-signal.ts';
import { parsePort } from './parse-port.ts';

export const serveUsage = `Usage: signalbox serve [options]

Runs the gateway. Without --config it serves the built-in mock models and every provider whose
API key is in the environment.

Options:
  --config FILE      YAML configuration (reloaded on change and on SIGHUP)
  --host ADDRESS     address to listen on (default 127.0.0.1; env SIGNALBOX_HOST)
  --port N           port to listen on (default 7878; env SIGNALBOX_PORT)
  --state-dir DIR    embedded state directory (default ./.signalbox; env SIGNALBOX_STATE_DIR)
  --workers N        run N gateway processes sharing the port and the configured storage
                     (default 1; limits then need storage.redis_url)`;

/** `signalbox serve`: runs until SIGINT or SIGTERM, then shuts down gracefully. */
export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      workers: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (port === null) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port ?? ''}"`);
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new UsageError(
      `--workers must be a whole number from 1 to 256, not "${values.workers ?? ''}"`,
    );
  }
  const overrides = { host: values.host, port, stateDir: values['state-dir'] };
  if (workers > 1 && cluster.isPrimary) {
    try {
      const created = await prepareWorkers(values.config, readProcessEnvironment(), overrides);
      if (created !== undefined) io.error(adminKeyNotice(created));
    } catch (error) {
      if (error instanceof ConfigError) {
        io.error(error.message);
        return 1;
      }
      throw error;
    }
    return runWorkerPrimary(workers, process.argv.slice(2), io);
  }
  let gateway;
  try {
    gateway = await startGateway({
      configPath: values.config,
      overrides,
      environment: readProcessEnvironment(),
      reloadOnSighup: true,
      onAdminKeyCreated(key) {
        io.error(adminKeyNotice(key));
      },
    });
  } catch (error) {
    if (cluster.isWorker) {
      // The channel to the primary would keep this worker alive without serving, and the
      // primary restarts only a worker that exits.
      process.disconnect();
    }
    if (error instanceof ConfigError) {
      io.error(error.message);
      return 1;
    }
    throw error;
  }
  if (cluster.isWorker) {
    const listening: WorkerListening = { type: 'signalbox-listening', url: gateway.url };
    process.send?.(listening);
  }
  if (cluster.isPrimary) {
    // Under --workers the primary says where it listens, once.
    io.error(`Signalbox is listening on ${gateway.url} (OpenAI base URL: ${gateway.url}/v1)`);
  }
  await waitForStopSignal();
  io.error('Signalbox is shutting down; in-flight requests may finish.');
  await gateway.close();
  if (cluster.isWorker) {
    // The channel to the primary would keep this process alive.
    process.disconnect();
  }
  return 0;
}

/** What is printed when an admin key was created: the only time its text exists. */
function adminKeyNotice(key: string): string {
  return [
    '',
    'Signalbox created an admin key. It is shown only now; store it safely:',
    '',
    `  ${key}`,
    '',
    'Use it as "Authorization: Bearer <key>" for /admin and, to try things out, for /v1.',
    'Applications should use virtual keys: signalbox keys create --name my-app',
    '',
  ].join('\n');
}
