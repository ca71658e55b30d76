import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { sqliteMigrations } from './sqlite-migrations.ts';

const opener = fileURLToPath(new URL('./open-sqlite-database.ts', import.meta.url));

/** Opens the database in `stateDir` from a process of its own; resolves its exit code and errors. */
function openInProcess(stateDir: string): Promise<{ code: number | null; stderr: string }> {
  const script = `const { openSqliteDatabase } = await import(${JSON.stringify(opener)}); openSqliteDatabase(${JSON.stringify(stateDir)}).close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('openSqliteDatabase', () => {
  it('migrates a new file once when several processes open it together', async () => {
    for (let round = 0; round < 3; round += 1) {
      const stateDir = join(mkdtempSync(join(tmpdir(), 'sb-migrate-')), 'state');
      const results = await Promise.all(Array.from({ length: 4 }, () => openInProcess(stateDir)));
      for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
      const database = openSqliteDatabase(stateDir);
      const row = database.prepare('PRAGMA user_version').get() as { user_version: number };
      expect(row.user_version).toBe(sqliteMigrations.length);
      database.close();
    }
  }, 60_000);
});
