import { readFileSync } from 'node:fs';
import { ConfigError } from '../app/config-error.ts';
import { auditCommand, auditUsage } from './audit-command.ts';
import { processIo, UsageError, type CliIo } from './cli-io.ts';
import { configCommand, configUsage } from './config-command.ts';
import { credentialsCommand, credentialsUsage } from './credentials-command.ts';
import { guardCommand, guardUsage } from './guard-command.ts';
import { importCommand, importUsage } from './import-command.ts';
import { keysCommand, keysUsage } from './keys-command.ts';
import { mockProviderCommand, mockProviderUsage } from './mock-provider-command.ts';
import { routeCommand, routeUsage } from './route-command.ts';
import { serveCommand, serveUsage } from './serve-command.ts';

interface Command {
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
  readonly usage: string;
  readonly summary: string;
}

const commands: ReadonlyMap<string, Command> = new Map([
  ['serve', { run: serveCommand, usage: serveUsage, summary: 'run the gateway' }],
  ['keys', { run: keysCommand, usage: keysUsage, summary: 'create, list and revoke virtual keys' }],
  [
    'credentials',
    {
      run: credentialsCommand,
      usage: credentialsUsage,
      summary: 'list, re-encrypt and delete stored provider credentials',
    },
  ],
  [
    'config',
    {
      run: configCommand,
      usage: configUsage,
      summary: 'validate a configuration or print its schema',
    },
  ],
  [
    'import',
    {
      run: importCommand,
      usage: importUsage,
      summary: 'convert a LiteLLM proxy config.yaml (import litellm FILE)',
    },
  ],
  [
    'audit',
    { run: auditCommand, usage: auditUsage, summary: 'verify the tamper-evident audit log' },
  ],
  [
    'guard',
    {
      run: guardCommand,
      usage: guardUsage,
      summary: 'scan a JSONL file for PII, secrets and injection (guard scan --input FILE)',
    },
  ],
  [
    'route',
    {
      run: routeCommand,
      usage: routeUsage,
      summary: 'train, score and evaluate learned strong/weak routers (route train|score|eval)',
    },
  ],
  [
    'mock-provider',
    { run: mockProviderCommand, usage: mockProviderUsage, summary: 'run the scripted fake model' },
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
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.error(`${error.message}\n\n${command.usage}`);
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
  process.exitCode = await runCli(process.argv.slice(2));
}
