import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  serveHeapGrowingPercent,
  serveMallocArenas,
  serveSemiSpaceMb,
} from '../../src/cli/relaunch-with-heap-flags.ts';
import { spawnServe, type ServeProcess } from '../helpers/serve-process.ts';

// `signalbox serve` relaunches itself in place (same PID) with a bounded young generation, so
// that V8's semi-spaces (up to 2 × 32 MB by default) do not dominate its resident memory, and with
// a bounded growth of the old generation between full collections.

const adminKey = 'heap-flags-admin-key-0123456789abcdefghijk';
const launcher = fileURLToPath(new URL('../../bin/signalbox.js', import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'signalbox-heap-flags-'));
}

/** The arguments the process with this PID runs now (Linux /proc). */
function commandLineOf(pid: number | undefined): string[] {
  return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
    .split('\0')
    .filter(Boolean);
}

/** The value of one variable in the environment the process with this PID started with. */
function environmentVariableOf(pid: number | undefined, name: string): string | undefined {
  const entry = readFileSync(`/proc/${String(pid)}/environ`, 'utf8')
    .split('\0')
    .find((line) => line.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** The V8 new space's capacity the gateway itself reports, in bytes (its /metrics). */
async function newSpaceBytes(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  expect(response.status).toBe(200);
  const match = /nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/.exec(
    await response.text(),
  );
  expect(match).not.toBeNull();
  return Number(match?.[1]);
}

function serveThroughLauncher(
  environment: Record<string, string>,
  nodeArgs: readonly string[] = [],
): ServeProcess {
  const child = spawn(
    process.execPath,
    [...nodeArgs, launcher, 'serve', '--port', '0', '--state-dir', stateDir()],
    { env: { PATH: process.env.PATH, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)}:\n${output}`)));
  });
  url.catch(() => undefined);
  return { child, output: () => output, url };
}

describe.skipIf(process.platform !== 'linux')('signalbox serve heap settings', () => {
  it('relaunches the entry point in place with a bounded young generation', async () => {
    const served = spawnServe(['--port', '0', '--state-dir', stateDir()], {
      SIGNALBOX_ADMIN_KEY: adminKey,
    });
    running.push(served.child);
    const url = await served.url;
    // Same PID (a supervisor keeps tracking it), now started with the flags.
    expect(commandLineOf(served.child.pid)).toContain(`--max-semi-space-size=${serveSemiSpaceMb}`);
    expect(commandLineOf(served.child.pid)).toContain(
      `--heap-growing-percent=${serveHeapGrowingPercent}`,
    );
    expect(environmentVariableOf(served.child.pid, 'MALLOC_ARENA_MAX')).toBe(
      String(serveMallocArenas),
    );
    expect(await newSpaceBytes(url)).toBeLessThanOrEqual(2 * serveSemiSpaceMb * 1024 * 1024);
  }, 40_000);

  it('does the same through bin/signalbox.js, keeping the Node options it was given', async () => {
    const served = serveThroughLauncher({ SIGNALBOX_ADMIN_KEY: adminKey });
    running.push(served.child);
    const url = await served.url;
    const commandLine = commandLineOf(served.child.pid);
    expect(commandLine).toContain(`--max-semi-space-size=${serveSemiSpaceMb}`);
    expect(commandLine.slice(-6)).toEqual([
      launcher,
      'serve',
      '--port',
      '0',
      '--state-dir',
      expect.stringContaining('signalbox-heap-flags-') as string,
    ]);
    expect(await newSpaceBytes(url)).toBeLessThanOrEqual(2 * serveSemiSpaceMb * 1024 * 1024);
  }, 40_000);

  it("leaves an operator's own semi-space size (NODE_OPTIONS) alone", async () => {
    const served = spawnServe(['--port', '0', '--state-dir', stateDir()], {
      SIGNALBOX_ADMIN_KEY: adminKey,
      NODE_OPTIONS: '--max-semi-space-size=2',
    });
    running.push(served.child);
    const url = await served.url;
    expect(commandLineOf(served.child.pid).join(' ')).not.toContain('--max-semi-space-size');
    // Relaunched for the malloc arenas only.
    expect(environmentVariableOf(served.child.pid, 'MALLOC_ARENA_MAX')).toBe(
      String(serveMallocArenas),
    );
    expect(await newSpaceBytes(url)).toBeLessThanOrEqual(2 * 2 * 1024 * 1024);
  }, 40_000);

  it("leaves an operator's own heap growing percent (node command line) alone", async () => {
    const served = serveThroughLauncher({ SIGNALBOX_ADMIN_KEY: adminKey }, [
      '--heap_growing_percent=80',
    ]);
    running.push(served.child);
    await served.url;
    const growing = commandLineOf(served.child.pid).filter((argument) =>
      /^--heap[-_]growing[-_]percent/.test(argument),
    );
    expect(growing).toEqual(['--heap_growing_percent=80']);
    // The other flag is still added.
    expect(commandLineOf(served.child.pid)).toContain(`--max-semi-space-size=${serveSemiSpaceMb}`);
  }, 40_000);

  it("leaves an operator's own MALLOC_ARENA_MAX alone", async () => {
    const served = spawnServe(['--port', '0', '--state-dir', stateDir()], {
      SIGNALBOX_ADMIN_KEY: adminKey,
      MALLOC_ARENA_MAX: '4',
    });
    running.push(served.child);
    await served.url;
    expect(commandLineOf(served.child.pid)).toContain(`--max-semi-space-size=${serveSemiSpaceMb}`);
    expect(environmentVariableOf(served.child.pid, 'MALLOC_ARENA_MAX')).toBe('4');
  }, 40_000);
});
