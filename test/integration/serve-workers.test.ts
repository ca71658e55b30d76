import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.ts';

// `signalbox serve --workers 2` as a real process tree, on the embedded SQLite default.
const adminKey = 'workers-admin-key-0123456789abcdefgh';
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

function writeConfig(text: string): { configPath: string; stateDir: string } {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-workers-'));
  const configPath = join(directory, 'signalbox.yaml');
  writeFileSync(configPath, text);
  return { configPath, stateDir: join(directory, 'state') };
}

function serve(configPath: string, stateDir: string): ServeProcess {
  const server = spawnServe(
    ['--config', configPath, '--state-dir', stateDir, '--port', '0', '--workers', '2'],
    { SIGNALBOX_ADMIN_KEY: adminKey },
  );
  running.push(server.child);
  return server;
}

describe('signalbox serve --workers', () => {
  it('shares one budget across the workers and stops them all on SIGTERM', async () => {
    const { configPath, stateDir } = writeConfig(`
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
budgets:
  - { scope: model, match: priced/echo, usd: 0.2, period: day }
`);
    const server = serve(configPath, stateDir);
    const url = await server.url;
    // Both worker processes start (each logs its start with its own pid); on a busy machine the
    // second may take a while, and if it never comes the output says why.
    const workerPids = (): number =>
      new Set([...server.output().matchAll(/"pid":(\d+)/g)].map((match) => match[1])).size;
    await expect
      .poll(workerPids, { timeout: 45_000, message: `workers did not start:\n${server.output()}` })
      .toBeGreaterThanOrEqual(2);
    const responses = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'priced/echo',
            max_tokens: 20,
            messages: [{ role: 'user', content: '!mock tokens=20\nhi' }],
          }),
        }),
      ),
    );
    await Promise.all(responses.map((response) => response.text()));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);

  it('refuses to count limits per worker without Redis', async () => {
    const { configPath, stateDir } = writeConfig(`
providers:
  - { id: mock, type: mock }
limits:
  - { scope: key, rpm: 10 }
`);
    const server = serve(configPath, stateDir);
    await expect(server.url).rejects.toThrow(/exited with 1[\s\S]*storage\.redis_url/);
  }, 30_000);
});
