import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The sources themselves (not a build that may be stale), started the way the CLI starts them. */
const entry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** A `signalbox serve` process started by a test. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything it wrote so far, standard output and error together. */
  output(): string;
  /** Where it listens, once it says so; rejects if it exits first or is silent for 30 s. */
  readonly url: Promise<string>;
}

/** Starts `signalbox serve <args>` with only `PATH` and `environment` in its environment. */
export function spawnServe(
  args: readonly string[],
  environment: Readonly<Record<string, string>>,
): ServeProcess {
  const child = spawn(process.execPath, [entry, 'serve', ...args], {
    env: { PATH: process.env.PATH, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output}`)), 30_000);
    child.stderr.on('data', () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)}:\n${output}`));
    });
  });
  // A test that fails before awaiting `url` must not leave an unhandled rejection behind.
  url.catch(() => undefined);
  return { child, output: () => output, url };
}
