import { parseArgs } from 'node:util';
import { loadGatewayConfig } from '../app/load-gateway-config.ts';
import { readProcessEnvironment } from '../config/environment.ts';
import { systemClock } from '../lib/clock.ts';
import {
  findTagProblem,
  isValidTeam,
  maxTagsPerKey,
  teamRule,
} from '../pipeline/identity/key-labels.ts';
import { VirtualKeyService, type KeyView } from '../pipeline/identity/virtual-key-service.ts';
import { ModelCatalog } from '../routing/model-catalog.ts';
import { openKeyStore } from '../app/open-key-store.ts';
import { UsageError, type CliIo } from './cli-io.ts';

export const keysUsage = `Usage: signalbox keys <create|list|revoke> [options]

  signalbox keys create --name NAME [--models a,b/*] [--expires-at 2027-01-01T00:00:00Z]
                       [--team TEAM] [--tag TAG]...   (repeat --tag for each tag)
  signalbox keys list [--all]
  signalbox keys revoke KEY_ID
  signalbox keys rotate-admin      revoke the stored admin key and print a new one

Common options:
  --config FILE      configuration whose state directory and models to use
  --state-dir DIR    embedded state directory (default ./.signalbox; env SIGNALBOX_STATE_DIR)
  --json             print JSON`;

function formatKey(view: KeyView): string {
  const models = view.models === null ? 'all models' : view.models.join(', ');
  const state =
    view.revoked_at !== null
      ? `revoked ${view.revoked_at}`
      : view.expires_at !== null
        ? `expires ${view.expires_at}`
        : 'active';
  const team = view.team === null ? '' : `  team ${view.team}`;
  const tags = view.tags.length === 0 ? '' : `  tags ${view.tags.join(', ')}`;
  return `${view.id}  ${view.role.padEnd(11)}  ${view.name}  [${models}]${team}${tags}  ${state}`;
}

/** The `--tag` values, checked with the same rules as the admin API; throws UsageError. */
function readTags(values: readonly string[] | undefined): string[] {
  const tags = (values ?? []).map((tag) => tag.trim());
  const problem = findTagProblem(tags);
  if (problem !== undefined) {
    throw new UsageError(
      problem.index === undefined
        ? `--tag may be given at most ${String(maxTagsPerKey)} times`
        : `--tag ${JSON.stringify(tags[problem.index])} ${problem.message}`,
    );
  }
  return tags;
}

/** `signalbox keys`: manages virtual keys in the state directory, also while the gateway runs. */
export async function keysCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      'state-dir': { type: 'string' },
      name: { type: 'string' },
      models: { type: 'string' },
      'expires-at': { type: 'string' },
      team: { type: 'string' },
      tag: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (action === undefined || !['create', 'list', 'revoke', 'rotate-admin'].includes(action)) {
    throw new UsageError('keys needs an action: create, list, revoke or rotate-admin');
  }
  const { config } = loadGatewayConfig(values.config, readProcessEnvironment(), {
    stateDir: values['state-dir'],
  });
  const keys = await openKeyStore(config.storage, config.stateDir);
  try {
    const service = new VirtualKeyService(keys.store, systemClock);
    const print = (value: unknown, text: string): void =>
      io.out(values.json === true ? JSON.stringify(value, null, 2) : text);
    switch (action) {
      case 'create': {
        if (values.name === undefined || values.name.trim() === '') {
          throw new UsageError('keys create needs --name');
        }
        const models =
          values.models === undefined
            ? null
            : values.models
                .split(',')
                .map((model) => model.trim())
                .filter((model) => model !== '');
        const catalog = new ModelCatalog(config);
        const unknown = (models ?? []).filter((pattern) => !catalog.matchesAnything(pattern));
        if (unknown.length > 0) {
          io.error(`These model names match no configured model: ${unknown.join(', ')}`);
          return 1;
        }
        let expiresAt: number | null = null;
        if (values['expires-at'] !== undefined) {
          expiresAt = Date.parse(values['expires-at']);
          if (Number.isNaN(expiresAt) || expiresAt <= systemClock.now()) {
            throw new UsageError('--expires-at must be a future date such as 2027-01-01T00:00:00Z');
          }
        }
        const team = values.team?.trim();
        if (team !== undefined && !isValidTeam(team)) {
          throw new UsageError(`--team ${teamRule}`);
        }
        if (team !== undefined && (await keys.directory.findTeam('default', team)) === undefined) {
          // As in the admin API: a team named on a key exists (in `default`) from then on.
          await keys.directory.insertTeam({
            org: 'default',
            id: team,
            name: team,
            createdAt: systemClock.now(),
          });
        }
        const created = await service.create({
          name: values.name.trim(),
          allowedModels: models,
          expiresAt,
          team: team ?? null,
          tags: readTags(values.tag),
        });
        print(
          { ...created.view, key: created.key },
          `${created.key}\n\n${formatKey(created.view)}\nThe key is shown only now.`,
        );
        return 0;
      }
      case 'list': {
        const keys = await service.list(values.all === true);
        print(keys, keys.length === 0 ? 'No keys.' : keys.map(formatKey).join('\n'));
        return 0;
      }
      case 'revoke': {
        const id = positionals[0];
        if (id === undefined) {
          throw new UsageError('keys revoke needs a key id (see signalbox keys list)');
        }
        if (!(await service.revoke(id))) {
          io.error(`No active key has the id ${id}.`);
          return 1;
        }
        io.out(`Revoked ${id}. A running gateway stops accepting it within a second.`);
        return 0;
      }
      default: {
        const key = await service.rotateAdminKey();
        print(
          { key },
          `${key}\nThe new admin key is shown only now; the previous one no longer works.`,
        );
        return 0;
      }
    }
  } finally {
    await keys.close();
  }
}
