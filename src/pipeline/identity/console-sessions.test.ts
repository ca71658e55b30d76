import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { SqlConsoleSessionStore } from '../../storage/sql/sql-console-session-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import {
  ConsoleSessions,
  hashSessionId,
  sessionIdleMs,
  sessionLifetimeMs,
} from './console-sessions.ts';
import { testPrincipal } from '../../../test/helpers/test-principal.ts';
import type { Principal } from './principal.ts';

function principal(keyId: string, role: Principal['role']): Principal {
  return testPrincipal({ role, agent: keyId, keyId, keyName: keyId });
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function setUp() {
  const database = openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'sb-sessions-')), 'state'));
  closers.push(() => database.close());
  const store = new SqlConsoleSessionStore(new SqliteSqlDatabase(database));
  const clock = new ManualClock();
  const keys = new Map<string, Principal>([['k1', principal('k1', 'admin')]]);
  const sessions = new ConsoleSessions({
    store,
    clock,
    principalOfKey: (id) => Promise.resolve(keys.get(id)),
  });
  return { database, store, clock, keys, sessions };
}

describe('ConsoleSessions', () => {
  it('stores only a hash of the id and resolves the current principal of its key', async () => {
    const { database, sessions, keys } = setUp();
    const opened = await sessions.open(principal('k1', 'admin'));
    expect(opened?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = database.prepare('SELECT * FROM console_sessions').all();
    expect(JSON.stringify(rows)).not.toContain(opened?.id);
    expect(rows).toMatchObject([{ id_hash: hashSessionId(opened?.id ?? ''), key_id: 'k1' }]);
    keys.set('k1', principal('k1', 'viewer'));
    expect((await sessions.resolve(opened?.id ?? ''))?.principal.role).toBe('viewer');
    keys.delete('k1');
    expect(await sessions.resolve(opened?.id ?? '')).toBeUndefined();
  });

  it('refuses to open a session for a service key and ends one whose key became one', async () => {
    const { sessions, keys } = setUp();
    expect(await sessions.open(principal('k2', 'service'))).toBeUndefined();
    const opened = await sessions.open(principal('k1', 'admin'));
    keys.set('k1', principal('k1', 'service'));
    expect(await sessions.resolve(opened?.id ?? '')).toBeUndefined();
  });

  it('ends a session after 30 idle minutes and 8 hours after sign-in, however busy', async () => {
    const { sessions, clock } = setUp();
    const idle = await sessions.open(principal('k1', 'admin'));
    clock.advance(sessionIdleMs - 1000);
    expect(await sessions.resolve(idle?.id ?? '')).toBeDefined();
    clock.advance(sessionIdleMs - 1000);
    expect(await sessions.resolve(idle?.id ?? '')).toBeDefined();
    clock.advance(sessionIdleMs);
    expect(await sessions.resolve(idle?.id ?? '')).toBeUndefined();

    const busy = await sessions.open(principal('k1', 'admin'));
    for (let elapsed = 0; elapsed < sessionLifetimeMs - 600_000; elapsed += 600_000) {
      clock.advance(600_000);
      expect(await sessions.resolve(busy?.id ?? '')).toBeDefined();
    }
    clock.advance(600_000);
    expect(await sessions.resolve(busy?.id ?? '')).toBeUndefined();
  });

  it('revokes a session once and never resolves it again; unknown ids resolve to nothing', async () => {
    const { sessions } = setUp();
    const opened = await sessions.open(principal('k1', 'admin'));
    expect(await sessions.revoke(opened?.id ?? '')).toBe(true);
    expect(await sessions.revoke(opened?.id ?? '')).toBe(false);
    expect(await sessions.resolve(opened?.id ?? '')).toBeUndefined();
    expect(await sessions.resolve('x'.repeat(43))).toBeUndefined();
    expect(await sessions.resolve("' OR 1=1 --")).toBeUndefined();
  });
});
