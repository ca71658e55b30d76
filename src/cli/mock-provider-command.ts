import { parseArgs } from 'node:util';
import { startMockProvider } from '../mock-provider/mock-provider-server.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import { waitForStopSignal } from './wait-for-stop-signal.ts';
import { parsePort } from './parse-port.ts';

export const mockProviderUsage = `Usage: signalbox mock-provider [--port N] [--host ADDRESS] [--latency-ms N] [--tokens-per-second N]

Runs the scripted fake model on its own (OpenAI wire format at /v1): models echo, fast and embed.
Put a line like "!mock status=429 retry_after=2" in the last user message to script a fault.`;

/** `signalbox mock-provider`: serves the mock until SIGINT or SIGTERM. */
export async function mockProviderCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string', default: '9100' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = parsePort(values.port);
  if (port === null) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
  }
  const latencyMs = values['latency-ms'] === undefined ? 0 : Number(values['latency-ms']);
  const tokensPerSecond =
    values['tokens-per-second'] === undefined ? undefined : Number(values['tokens-per-second']);
  if (
    !Number.isFinite(latencyMs) ||
    latencyMs < 0 ||
    (tokensPerSecond !== undefined && !(tokensPerSecond > 0))
  ) {
    throw new UsageError('--latency-ms must be 0 or more and --tokens-per-second more than 0');
  }
  const server = await startMockProvider(
    { latencyMs, tokensPerSecond, recordLimit: 0 },
    port,
    values.host,
  );
  io.error(`Mock provider listening; OpenAI base URL ${server.baseUrl}`);
  await waitForStopSignal();
  await server.close();
  return 0;
}
