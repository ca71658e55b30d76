import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { requestLogRow } from '../../storage/request-log-store.conformance.ts';
import type { RequestLogStore } from '../../storage/request-log-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { createSqliteRequestLogStore } from '../../storage/sqlite/request-log-store.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { testPrincipal } from '../../../test/helpers/test-principal.ts';
import type { Principal } from '../identity/principal.ts';
import { RequestLogQueries } from './request-log-queries.ts';

function principal(overrides: Partial<Principal>): Principal {
  return testPrincipal({ agent: 'key_1', keyId: 'key_1', keyName: 'key_1', ...overrides });
}

const platformAdmin = principal({ org: 'default' });
const platformViewer = principal({ role: 'viewer', org: 'default' });
const tenantAdmin = principal({ org: 'acme' });
const member = principal({ role: 'member', org: 'acme', userId: 'user_2' });

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function openStore(): Promise<RequestLogStore> {
  const database = openSqliteDatabase(
    join(mkdtempSync(join(tmpdir(), 'sb-log-queries-')), 'state'),
  );
  closers.push(() => database.close());
  return createSqliteRequestLogStore(new SqliteSqlDatabase(database));
}

const base = 1_800_000_000_000;
const prompt = { promptId: 'support-answer' };

/** Version 1: two requests of acme (one failed, one of user_2); version 2: one of globex. */
async function seeded(): Promise<RequestLogQueries> {
  const store = await openStore();
  await store.append([
    requestLogRow({
      ...prompt,
      requestId: 'a',
      at: base,
      promptVersion: 1,
      org: 'acme',
      userId: 'user_1',
      durationMs: 10,
      costNanos: 2_000,
    }),
    requestLogRow({
      ...prompt,
      requestId: 'b',
      at: base + 1,
      promptVersion: 1,
      org: 'acme',
      userId: 'user_2',
      durationMs: 20,
      status: 502,
      outcome: 'upstream-error',
      costNanos: null,
    }),
    requestLogRow({
      ...prompt,
      requestId: 'c',
      at: base + 2,
      promptVersion: 2,
      org: 'globex',
      durationMs: 0.1234567,
      costNanos: 500,
    }),
  ]);
  return new RequestLogQueries(store);
}

describe('RequestLogQueries.promptStats', () => {
  it('reports every version of the prompt to platform readers, every organisation counted', async () => {
    const queries = await seeded();
    for (const caller of [platformAdmin, platformViewer]) {
      expect(await queries.promptStats(caller, 'support-answer', base, base + 10)).toEqual([
        {
          version: 1,
          requests: 2,
          errors: 1,
          error_rate: 0.5,
          mean_duration_ms: 15,
          p50_ms: 15,
          p99_ms: 19.9,
          input_tokens: 20,
          output_tokens: 40,
          cost_usd: 0.000002,
          // Of the one request whose cost is known, not halved by the failed one.
          mean_cost_usd: 0.000002,
        },
        {
          version: 2,
          requests: 1,
          errors: 0,
          error_rate: 0,
          mean_duration_ms: 0.123,
          p50_ms: 0.123,
          p99_ms: 0.123,
          input_tokens: 10,
          output_tokens: 20,
          cost_usd: 0.0000005,
          mean_cost_usd: 0.0000005,
        },
      ]);
    }
  });

  it('counts for any other caller only the requests it may see in the request log', async () => {
    const queries = await seeded();
    const own = await queries.promptStats(tenantAdmin, 'support-answer', base, base + 10);
    expect(own.map((entry) => [entry.version, entry.requests, entry.errors])).toEqual([[1, 2, 1]]);
    const mine = await queries.promptStats(member, 'support-answer', base, base + 10);
    expect(mine).toMatchObject([{ version: 1, requests: 1, errors: 1, mean_cost_usd: null }]);
  });

  it('answers an empty list for a prompt or a period without requests', async () => {
    const queries = await seeded();
    expect(await queries.promptStats(platformAdmin, 'unknown', base, base + 10)).toEqual([]);
    expect(await queries.promptStats(platformAdmin, 'support-answer', base + 3, base + 10)).toEqual(
      [],
    );
  });

  it('refuses a period that ends before it starts', async () => {
    const queries = await seeded();
    for (const [fromMs, toMs] of [
      [base, base],
      [base + 1, base],
      [Number.NaN, base],
    ] as const) {
      const error = await queries
        .promptStats(platformAdmin, 'support-answer', fromMs, toMs)
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('SB_ERR_REQUEST_INVALID');
    }
  });
});

describe('RequestLogQueries.get', () => {
  it('shows the prompt and context provenance kept in the detail, and the prompt columns', async () => {
    const store = await openStore();
    const provenance = {
      prompt: { id: 'support-answer', version: 1, label: null, sha256: 'ab'.repeat(32) },
      context: [
        {
          id: 'refund-policy',
          version: 2,
          sha256: 'cd'.repeat(32),
          status: 'approved',
          handling: 'served',
          attachment: 'ctxatt_1',
        },
      ],
    };
    await store.append([
      requestLogRow({
        ...prompt,
        requestId: 'with',
        promptVersion: 1,
        detail: JSON.stringify({ attempts: [], ...provenance }),
      }),
      requestLogRow({ requestId: 'without', promptId: null, promptVersion: null }),
    ]);
    const queries = new RequestLogQueries(store);
    const shown = await queries.get(tenantAdmin, 'with');
    expect(shown).toMatchObject({ prompt_id: 'support-answer', prompt_version: 1, ...provenance });
    const plain = await queries.get(tenantAdmin, 'without');
    expect(plain).toMatchObject({ prompt_id: null, prompt_version: null });
    expect(plain).not.toHaveProperty('prompt');
    expect(plain).not.toHaveProperty('context');
  });
});
