import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.ts';

const started: ServeProcess[] = [];

afterAll(() => {
  for (const server of started) server.child.kill('SIGKILL');
});

/**
 * A state directory whose audit signing key is unreadable: start-up fails at the audit trail,
 * after the key store, the upstream pool, the budget ledger and the request log's writer thread
 * were opened.
 */
function stateWithBadSigningKey(): { configPath: string; stateDir: string } {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-failed-start-'));
  const stateDir = join(directory, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  writeFileSync(join(stateDir, 'audit-signing-key.pem'), 'not a key\n', { mode: 0o600 });
  const configPath = join(directory, 'signalbox.yaml');
  writeFileSync(configPath, 'providers:\n  - { id: mock, type: mock }\n');
  return { configPath, stateDir };
}

/** The exit code, or a rejection when the process is still running after `ms`. */
async function exitWithin(server: ServeProcess, ms: number): Promise<number | null> {
  const timer = setTimeout(() => server.child.kill('SIGKILL'), ms);
  const [code, signal] = (await once(server.child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (signal === 'SIGKILL') throw new Error(`still running after ${ms} ms:\n${server.output()}`);
  return code;
}

describe('regression: a start-up that fails part-way exits', () => {
  // A failure after stores, pools and threads were opened left them running, and a worker's
  // channel to its primary stayed open: the process stayed alive without serving, and a
  // `--workers` primary never restarted such a worker (seen in CI as a worker that failed with
  // "database is locked" and never came back).
  it('serve exits with status 1 and the reason, releasing what it had opened', async () => {
    const { configPath, stateDir } = stateWithBadSigningKey();
    const server = spawnServe(['--config', configPath, '--state-dir', stateDir, '--port', '0'], {
      SIGNALBOX_ADMIN_KEY: 'failed-start-admin-key-0123456789',
    });
    started.push(server);
    expect(await exitWithin(server, 15_000)).toBe(1);
    expect(server.output()).toContain('audit-signing-key.pem');
  });

  it('under --workers, each failed worker exits, is restarted, and the primary gives up', async () => {
    const { configPath, stateDir } = stateWithBadSigningKey();
    const server = spawnServe(
      ['--config', configPath, '--state-dir', stateDir, '--port', '0', '--workers', '2'],
      { SIGNALBOX_ADMIN_KEY: 'failed-start-admin-key-0123456789' },
    );
    started.push(server);
    expect(await exitWithin(server, 50_000)).toBe(1);
    expect(server.output()).toContain('restarting it');
    expect(server.output()).toContain('too many restarts, stopping');
  }, 60_000);
});
