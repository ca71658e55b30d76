import { readFileSync } from 'node:fs';
import { ConfigError } from '../app/config-error.ts';
import { processIo, UsageError, type CliIo } from './cli-io.ts';
import { relaunchWithHeapFlags } from './relaunch-with-heap-flags.ts';

/** A command's code: loaded only when that command runs or its usage is asked for. */
interface LoadedCommand {
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
  readonly usage: string;
}

/**
 * A command. Each is imported on demand, so `signalbox serve` can relaunch itself with its heap
 * settings (relaunchWithHeapFlags) before the gateway's ~1,300 modules are parsed, and a short
 * command (`keys`, `--version`) does not load the gateway at all.
 */
interface Command {
  readonly load: () => Promise<LoadedCommand>;
  readonly summary: string;
}

const commands: ReadonlyMap<string, Command> = new Map([
  [
    'serve',
    {
      load: async () => {
        const { serveCommand: run, serveUsage: usage } = await import('./serve-command.ts');
        return { run, usage };
      },
      summary: 'run the gateway',
    },
  ],
  [
    'keys',
    {
      load: async () => {
        const { keysCommand: run, keysUsage: usage } = await import('./keys-command.ts');
        return { run, usage };
      },
      summary: 'create, list and revoke virtual keys',
    },
  ],
  [
    'credentials',
    {
      load: async () => {
        const { credentialsCommand: run, credentialsUsage: usage } =
          await import('./credentials-command.ts');
        return { run, usage };
      },
      summary: 'list, re-encrypt and delete stored provider credentials',
    },
  ],
  [
    'config',
    {
      load: async () => {
        const { configCommand: run, configUsage: usage } = await import('./config-command.ts');
        return { run, usage };
      },
      summary: 'validate a configuration or print its schema',
    },
  ],
  [
    'import',
    {
      load: async () => {
        const { importCommand: run, importUsage: usage } = await import('./import-command.ts');
        return { run, usage };
      },
      summary: 'convert a LiteLLM proxy config.yaml (import litellm FILE)',
    },
  ],
  [
    'audit',
    {
      load: async () => {
        const { auditCommand: run, auditUsage: usage } = await import('./audit-command.ts');
        return { run, usage };
      },
      summary: 'verify the tamper-evident audit log',
    },
  ],
  [
    'guard',
    {
      load: async () => {
        const { guardCommand: run, guardUsage: usage } = await import('./guard-command.ts');
        return { run, usage };
      },
      summary: 'scan a JSONL file for PII, secrets and injection (guard scan --input FILE)',
    },
  ],
  [
    'route',
    {
      load: async () => {
        const { routeCommand: run, routeUsage: usage } = await import('./route-command.ts');
        return { run, usage };
      },
      summary: 'train, score and evaluate learned strong/weak routers (route train|score|eval)',
    },
  ],
  [
    'mock-provider',
    {
      load: async () => {
        const { mockProviderCommand: run, mockProviderUsage: usage } =
          await import('./mock-provider-command.ts');
        return { run, usage };
      },
      summary: 'run the scripted fake model',
    },
  ],
]);

function usage(): string {
  const lines = [...commands].map(([name, command]) => `  ${name.padEnd(14)} ${command.summary}`);
  return `Usage: signalbox <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "signalbox <command> --help" for a command's options.`;
}

function version(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const match = /"version":\s*"([^"]+)"/.exec(text);
  return match?.[1] ?? 'unknown';
}

/** Runs the command line and resolves the process exit status. */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return 0;
  }
  const command = commands.get(name);
  if (command === undefined) {
    io.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const loaded = await command.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(loaded.usage);
    return 0;
  }
  try {
    return await loaded.run(rest, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.error(`${error.message}\n\n${loaded.usage}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.error(error.message);
      return 1;
    }
    io.error(`signalbox ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) {
  relaunchWithHeapFlags(process.argv.slice(2));
  process.exitCode = await runCli(process.argv.slice(2));
}
