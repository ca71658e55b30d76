// Builds the admin console (ui/) into a directory of its own, for tests and benchmarks that
// serve it: CI runs the tests before `npm run build`, so dist/ui may not exist.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds the console from ui/ into `outDir` (vite's CLI from node_modules, in a child process so
 * it never shares state with the test runner's own Vite). Rejects with vite's output on failure.
 */
export async function buildConsole(outDir: string): Promise<void> {
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  await promisify(execFile)(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      'ui/vite.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: repositoryRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  if (!existsSync(`${outDir}/index.html`)) {
    throw new Error(`vite build wrote no index.html into ${outDir}`);
  }
}
