import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Output at $1 per million tokens and free input: a 20-token answer costs exactly $0.00002,
// which is also what its hold bounds (max_tokens 20).
const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1 } } }
budgets:
  - { scope: model, match: priced/echo, usd: 100, period: month }
`;

interface BudgetBody {
  id?: string;
  source: string;
  scope: string;
  match: string | null;
  usd: number;
  period: string;
  mode: string;
  created_by?: string;
  revoked_at?: string | null;
  lines?: { value: string; spent_usd: number }[];
}

let harness: TestGateway;
let second: TestGateway | undefined;
let memberKey: string;
let memberKeyId: string;

function chat(target: TestGateway, key: string): Promise<Response> {
  return fetch(`${target.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 20,
      messages: [{ role: 'user', content: '!mock tokens=20\nhello' }],
    }),
  });
}

async function status(target: TestGateway, key: string): Promise<number> {
  const response = await chat(target, key);
  await response.text();
  return response.status;
}

async function listed(target: TestGateway): Promise<BudgetBody[]> {
  const response = await target.admin('GET', '/admin/budgets');
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: BudgetBody[] }).data;
}

/** Requests until one is refused (ledger rows settle behind answers); how many passed. */
async function passUntilRefused(target: TestGateway, key: string, most: number): Promise<number> {
  for (let passed = 0; passed <= most; passed += 1) {
    const code = await status(target, key);
    if (code === 402) return passed;
    expect(code).toBe(200);
  }
  return most + 1;
}

beforeAll(async () => {
  harness = await startTestGateway({ config });
  const created = (await (
    await harness.admin('POST', '/admin/keys', { name: 'member', role: 'member' })
  ).json()) as { key: string; id: string };
  memberKey = created.key;
  memberKeyId = created.id;
});

afterAll(async () => {
  await second?.close();
  await harness.close();
});

describe('budgets through the admin API', () => {
  let budgetId = '';

  it('creates a hard key budget that refuses requests with 402 once spent, on this process at once', async () => {
    const response = await harness.admin('POST', '/admin/budgets', {
      scope: 'key',
      match: memberKeyId,
      usd: 0.00002,
      period: 'day',
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as BudgetBody;
    expect(created).toMatchObject({
      source: 'api',
      scope: 'key',
      match: memberKeyId,
      usd: 0.00002,
      period: 'day',
      mode: 'hard',
      created_by: 'environment',
      revoked_at: null,
    });
    expect(created.id).toMatch(/^bud_[\w-]{16}$/);
    budgetId = created.id ?? '';
    // One 20-token answer ($0.00002) fits; the next one's hold would exceed the limit.
    expect(await passUntilRefused(harness, memberKey, 5)).toBe(1);
    const budgets = await listed(harness);
    expect(budgets.map((budget) => [budget.source, budget.id ?? null, budget.scope])).toEqual([
      ['config', null, 'model'],
      ['api', budgetId, 'key'],
    ]);
    // Spend settles behind the answers.
    await expect
      .poll(async () => (await listed(harness))[1]?.lines?.[0]?.spent_usd)
      .toBeCloseTo(0.00002, 12);
  });

  it('raises the limit with PATCH, and requests pass again until the new limit is spent', async () => {
    const response = await harness.admin('PATCH', `/admin/budgets/${budgetId}`, {
      usd: 0.00006,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: budgetId, usd: 0.00006, mode: 'hard' });
    expect(await passUntilRefused(harness, memberKey, 5)).toBe(2);
  });

  it('is seen by a second gateway on the same state directory within about a second', async () => {
    const replica = await startTestGateway({ config, stateDir: harness.stateDir });
    second = replica;
    expect(await status(replica, memberKey)).toBe(402);
    const raised = await harness.admin('PATCH', `/admin/budgets/${budgetId}`, { usd: 0.0001 });
    expect(raised.status).toBe(200);
    const started = Date.now();
    await expect
      .poll(async () => status(replica, memberKey), { timeout: 3000, interval: 100 })
      .toBe(200);
    expect(Date.now() - started).toBeLessThan(2500);
    // Put it back to exhausted for the revocation below.
    expect(
      (await harness.admin('PATCH', `/admin/budgets/${budgetId}`, { usd: 0.00001, mode: 'hard' }))
        .status,
    ).toBe(200);
    expect(await status(harness, memberKey)).toBe(402);
  });

  it('revokes with DELETE: the row is kept, the budget no longer applies, and it cannot be edited', async () => {
    const response = await harness.admin('DELETE', `/admin/budgets/${budgetId}`);
    expect(response.status).toBe(200);
    const revoked = (await response.json()) as BudgetBody;
    expect(revoked).toMatchObject({ id: budgetId, revoked_by: 'environment' });
    expect(typeof revoked.revoked_at).toBe('string');
    expect(await status(harness, memberKey)).toBe(200);
    expect((await listed(harness)).map((budget) => budget.source)).toEqual(['config']);
    const again = await harness.admin('PATCH', `/admin/budgets/${budgetId}`, { usd: 1 });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain(
      'was revoked',
    );
    expect((await harness.admin('DELETE', `/admin/budgets/${budgetId}`)).status).toBe(404);
    expect((await harness.admin('DELETE', '/admin/budgets/bud_unknown')).status).toBe(404);
  });

  it('refuses writes from a caller who is not a platform admin with 403', async () => {
    const response = await fetch(`${harness.url}/admin/budgets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'key', usd: 1, period: 'day' }),
    });
    expect(response.status).toBe(403);
  });

  it.each([
    [{ scope: 'planet', usd: 1, period: 'day' }, 'scope'],
    [{ scope: 'key', usd: -1, period: 'day' }, 'usd'],
    [{ scope: 'key', usd: 0, period: 'day' }, 'usd'],
    [{ scope: 'key', usd: 1, period: 'hour' }, 'period'],
    [{ scope: 'key', usd: 1, period: 'day', extra: true }, 'extra'],
    [{ scope: 'key', usd: 0.0000000001, period: 'day' }, 'usd'],
    [
      { scope: 'model', match: 'priced/echo', usd: 1, period: 'month' },
      'same scope, match and period',
    ],
  ])('refuses the invalid body %j with 400', async (body, mentioned) => {
    const response = await harness.admin('POST', '/admin/budgets', body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: { message: string } };
    expect(error.error.message).toContain(mentioned);
  });

  it('refuses an edit that changes nothing or what the budget counts', async () => {
    const created = (await (
      await harness.admin('POST', '/admin/budgets', { scope: 'team', usd: 5, period: 'week' })
    ).json()) as BudgetBody;
    expect((await harness.admin('PATCH', `/admin/budgets/${created.id ?? ''}`, {})).status).toBe(
      400,
    );
    expect(
      (await harness.admin('PATCH', `/admin/budgets/${created.id ?? ''}`, { scope: 'org' })).status,
    ).toBe(400);
    expect(
      (await harness.admin('PATCH', `/admin/budgets/${created.id ?? ''}`, { mode: 'soft' })).status,
    ).toBe(200);
  });

  it('audits every change as an admin action', async () => {
    const store = new SqliteAuditLogStore(openSqliteDatabase(harness.stateDir));
    await expect
      .poll(
        async () =>
          (await store.read(0, 10_000))
            .filter((record) => record.kind === 'admin.action')
            .map(
              (record) =>
                JSON.parse(record.payload) as { method: string; route: string; status: number },
            )
            .filter((payload) => payload.route.startsWith('/admin/budgets') && payload.status < 300)
            .map((payload) => payload.method),
        { timeout: 5000 },
      )
      .toEqual(['POST', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'POST', 'PATCH']);
  });
});
