import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/serve-process.ts';

const adminKey = 'metrics-workers-admin-key-0123456789';
const running: ChildProcess[] = [];

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

function chatRequests(text: string): number {
  const line = text
    .split('\n')
    .find((candidate) =>
      candidate.startsWith(
        'signalbox_requests_total{route="/v1/chat/completions",status_class="2xx",outcome="completed"}',
      ),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics under serve --workers', () => {
  it('reports the requests of every worker, whichever worker answers the scrape', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'signalbox-metrics-workers-'));
    const configPath = join(directory, 'signalbox.yaml');
    writeFileSync(configPath, 'providers:\n  - { id: mock, type: mock }\n');
    const server = spawnServe(
      [
        '--config',
        configPath,
        '--state-dir',
        join(directory, 'state'),
        '--port',
        '0',
        '--workers',
        '2',
      ],
      { SIGNALBOX_ADMIN_KEY: adminKey },
    );
    running.push(server.child);
    const url = await server.url;
    const workerPids = (): number =>
      new Set([...server.output().matchAll(/"pid":(\d+)/g)].map((match) => match[1])).size;
    await expect
      .poll(workerPids, { timeout: 45_000, message: `workers did not start:\n${server.output()}` })
      .toBeGreaterThanOrEqual(2);
    const total = 40;
    // Several connections at once, so both workers take some of the requests.
    await Promise.all(
      Array.from({ length: total }, async () => {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(response.status).toBe(200);
        await response.text();
      }),
    );
    for (let scrape = 0; scrape < 6; scrape += 1) {
      const response = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${adminKey}`, connection: 'close' },
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(chatRequests(text)).toBe(total);
    }
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
