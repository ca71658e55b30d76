import { z } from 'zod';
import { configFileSchema } from '../config/config-schema.ts';
import { formatConfigProblems } from '../config/config-problem.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const configUsage = `Usage: signalbox config <check FILE | schema>

  check FILE   validate a configuration file (secrets are resolved but never printed)
  schema       print the JSON Schema of the configuration file, for editor completion`;

/** `signalbox config`: validates a file or prints the schema. */
export function configCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, path] = args;
  if (action === 'schema') {
    io.out(
      JSON.stringify(
        z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' }),
        null,
        2,
      ),
    );
    return Promise.resolve(0);
  }
  if (action === 'check') {
    if (path === undefined) {
      throw new UsageError('config check needs a file');
    }
    const result = loadConfigFile(path, readProcessEnvironment());
    if (!result.ok) {
      io.error(`${path} is not valid:\n${formatConfigProblems(result.problems)}`);
      return Promise.resolve(1);
    }
    const providers = result.config.providers.map((provider) => provider.id).join(', ') || 'none';
    const models = result.config.models.map((model) => model.alias).join(', ') || 'none';
    io.out(`${path} is valid. Providers: ${providers}. Model aliases: ${models}.`);
    return Promise.resolve(0);
  }
  throw new UsageError('config needs an action: check FILE or schema');
}
