import { parseArgs } from 'node:util';
import { loadCredentialService } from '../app/load-credential-service.ts';
import { loadGatewayConfig } from '../app/load-gateway-config.ts';
import { openKeyStore } from '../app/open-key-store.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import { systemClock } from '../lib/clock.ts';
import type { CredentialView } from '../pipeline/credentials/provider-credential-service.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const credentialsUsage = `Usage: signalbox credentials <list|rotate|delete> [options]

  signalbox credentials list           names, key ids and times of stored provider credentials
  signalbox credentials rotate         re-encrypt every stored credential under the current key
                                       (SIGNALBOX_ENCRYPTION_KEY); previous keys go in
                                       SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS until this has run
  signalbox credentials delete NAME    delete a stored credential

Values are stored through the admin API (POST /admin/credentials), never on a command line.

Common options:
  --config FILE      configuration whose state directory and storage to use
  --state-dir DIR    embedded state directory (default ./.signalbox; env SIGNALBOX_STATE_DIR)
  --json             print JSON`;

function formatCredential(view: CredentialView): string {
  return `${view.name}  key ${view.key_id}  created ${view.created_at}  updated ${view.updated_at}`;
}

/**
 * `signalbox credentials`: lists, re-encrypts and deletes stored provider credentials in the
 * configured storage, also while the gateway runs (a running gateway picks up deletions and
 * replacements on its next configuration reload).
 */
export async function credentialsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (action === undefined || !['list', 'rotate', 'delete'].includes(action)) {
    throw new UsageError('credentials needs an action: list, rotate or delete');
  }
  const environment = readProcessEnvironment();
  const { config } = loadGatewayConfig(values.config, environment, {
    stateDir: values['state-dir'],
  });
  const keys = await openKeyStore(config.storage, config.stateDir);
  try {
    const service = loadCredentialService(keys.store, environment, systemClock);
    const print = (value: unknown, text: string): void =>
      io.out(values.json === true ? JSON.stringify(value, null, 2) : text);
    switch (action) {
      case 'list': {
        const credentials = await service.list();
        print(
          credentials,
          credentials.length === 0
            ? 'No stored credentials.'
            : credentials.map(formatCredential).join('\n'),
        );
        return 0;
      }
      case 'delete': {
        const name = positionals[0];
        if (name === undefined) {
          throw new UsageError('credentials delete needs a name (see signalbox credentials list)');
        }
        if (!(await service.remove(name))) {
          io.error(`No stored credential is called ${name}.`);
          return 1;
        }
        io.out(`Deleted ${name}.`);
        return 0;
      }
      default: {
        const report = await service.rotate();
        print(
          report,
          `Re-encrypted ${String(report.rotated)} credential(s) under key ${report.key_id}; ${String(report.unchanged)} already were.` +
            (report.failed.length === 0
              ? ''
              : `\nCould not decrypt (key unknown or data damaged): ${report.failed.join(', ')}`),
        );
        return report.failed.length === 0 ? 0 : 1;
      }
    }
  } finally {
    await keys.close();
  }
}
