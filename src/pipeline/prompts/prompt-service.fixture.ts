import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { SqlPromptStore } from '../../storage/sql/sql-prompt-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { PromptService } from './prompt-service.ts';

// Shared by the PromptService tests: a service over a real SQLite store in a temporary folder.

/** A clock that moves one second on every read. */
export class FakeClock implements Clock {
  at = Date.UTC(2026, 10, 23, 9, 0, 0);
  now(): number {
    this.at += 1_000;
    return this.at;
  }
  monotonic(): number {
    return 0;
  }
}

/** A service over a fresh SQLite store, and a way to open a second replica on the same file. */
export function setUp(): {
  service: PromptService;
  store: SqlPromptStore;
  replica: () => PromptService;
} {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-prompt-service-')), 'state');
  const store = new SqlPromptStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  const clock = new FakeClock();
  return {
    service: new PromptService(store, clock),
    store,
    replica: () =>
      new PromptService(
        new SqlPromptStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir))),
        clock,
      ),
  };
}

/** A template: a system line naming the word and a user question. */
export const greeting = (word: string): unknown => ({
  messages: [
    { role: 'system', content: `${word} from {{company}}.` },
    { role: 'user', content: 'Question: {{question}}' },
  ],
  variables: {
    company: { type: 'string', default: 'Acme' },
    question: { type: 'string' },
  },
  note: `says ${word}`,
});

/** The `GatewayError` a call rejects or throws with. */
export async function failure(call: () => unknown): Promise<GatewayError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

/** Stores versions 1..n of `support` (greetings v1..vn). */
export async function withVersions(service: PromptService, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) {
    await service.createVersion('support', greeting(`v${String(index)}`), 'key_admin');
  }
}

/** Variables every greeting accepts. */
export const variables = { question: 'Why?' };
