import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { formatConfigProblems } from '../config/config-problem.ts';
import { readProcessEnvironment, type Environment } from '../config/environment.ts';
import { parseConfigText, resolveConfigFile } from '../config/load-config.ts';
import { convertLitellmConfig } from '../migration/litellm/convert-litellm-config.ts';
import { formatConvertedConfig } from '../migration/litellm/format-converted-config.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const importUsage = `Usage: signalbox import litellm FILE [--out FILE] [--force]

  Converts a LiteLLM proxy config.yaml into a Signalbox configuration. The configuration goes to
  standard output (or --out); every setting that was approximated or not carried over is reported
  on standard error as "litellm.<path>: <what happened>". Secrets are never copied.

  --out FILE   write the configuration to FILE (refused when FILE exists)
  --force      overwrite FILE when it exists

Exit status: 0 converted (also when settings were reported), 1 the result could not be validated
or written, 2 FILE cannot be read or is not a LiteLLM proxy configuration.`;

/**
 * `signalbox import litellm FILE`: reads and parses the LiteLLM file, converts it with the pure
 * converter, validates the result exactly as `signalbox config check` parses files, then writes it.
 * Settings that depend on the environment (unset variables, unreadable secret files) are listed as
 * things to do before starting, not as failures.
 */
export function importCommand(
  args: readonly string[],
  io: CliIo,
  environment: Environment = readProcessEnvironment(),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  const [source, file, ...extra] = positionals;
  if (source !== 'litellm') {
    throw new UsageError('import needs a source: import litellm FILE');
  }
  if (file === undefined || extra.length > 0) {
    throw new UsageError('import litellm needs exactly one FILE');
  }
  return Promise.resolve(runImport(file, values.out, values.force === true, io, environment));
}

function runImport(
  file: string,
  out: string | undefined,
  force: boolean,
  io: CliIo,
  environment: Environment,
): number {
  const input = readLitellmFile(file, io);
  if (input === undefined) {
    return 2;
  }
  const conversion = convertLitellmConfig(input.value);
  if (!conversion.ok) {
    io.error(`${file} is not a LiteLLM proxy configuration:\n${conversion.problems.join('\n')}`);
    return 2;
  }
  const text = formatConvertedConfig(conversion.config, basename(file), conversion.report.length);
  const parsed = parseConfigText(text);
  if (!parsed.ok) {
    io.error(
      `The converted configuration does not pass signalbox config check (please report this):\n${formatConfigProblems(parsed.problems)}`,
    );
    return 1;
  }
  if (out !== undefined) {
    if (resolve(out) === resolve(file)) {
      io.error(`--out ${out} is the LiteLLM file itself; choose another file`);
      return 1;
    }
    try {
      writeFileSync(out, text, { flag: force ? 'w' : 'wx' });
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unwritable';
      io.error(
        code === 'EEXIST'
          ? `${out} exists; pass --force to overwrite it`
          : `${out} cannot be written (${code})`,
      );
      return 1;
    }
  } else {
    io.out(text);
  }
  const lines = [...conversion.report];
  const resolved = resolveConfigFile(parsed.file, {
    source: { kind: 'file', path: resolve(out ?? 'signalbox.yaml') },
    baseDirectory: dirname(resolve(out ?? 'signalbox.yaml')),
    environment,
    overrides: {},
    includeEnvironmentProviders: false,
  });
  if (!resolved.ok) {
    lines.push(
      'Before starting Signalbox with it (signalbox config check will say the same):',
      ...resolved.problems.map((problem) => `  ${problem.path}: ${problem.message}`),
    );
  }
  const providers = parsed.file.providers?.length ?? 0;
  const groups = parsed.file.models?.length ?? 0;
  const { converted, total } = conversion.deployments;
  lines.push(
    `Converted ${String(converted)} of ${count(total, 'deployment')} into ${count(providers, 'provider')} and ${count(groups, 'model group')}${out === undefined ? '' : ` in ${out}`}; ${count(conversion.report.length, 'setting')} reported.`,
  );
  io.error(lines.join('\n'));
  return 0;
}

function count(number: number, noun: string): string {
  return `${String(number)} ${noun}${number === 1 ? '' : 's'}`;
}

/** Reads and parses the LiteLLM YAML as PyYAML would (YAML 1.1, merge keys); prints why not. */
function readLitellmFile(file: string, io: CliIo): { value: unknown } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    io.error(`${file} cannot be read (${code})`);
    return undefined;
  }
  const document = parseDocument(text, { version: '1.1', prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const messages = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const where =
        position === undefined
          ? ''
          : `line ${String(position.line)}, column ${String(position.col)}: `;
      return `${where}${(error.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    io.error(`${file} is not valid YAML:\n${messages.join('\n')}`);
    return undefined;
  }
  try {
    // toJS refuses alias expansions beyond the library's default count (alias bombs).
    return { value: document.toJS() as unknown };
  } catch (error) {
    io.error(`${file} cannot be read: ${error instanceof Error ? error.message : 'invalid YAML'}`);
    return undefined;
  }
}
