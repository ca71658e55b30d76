import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// Output at $1,000 per million tokens and free input: 20 output tokens cost exactly $0.02.
const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
budgets:
  - { scope: key, usd: 1, period: day }
  - { scope: org, match: default, usd: 10, period: month, mode: soft }
  - { scope: model, match: priced/echo, usd: 0.5, period: total }
  - { scope: tag, usd: 2, period: week }
`;

interface Line {
  value: string;
  spent_usd: number;
  reserved_usd: number;
  utilisation: number;
  period_start: string;
}
interface Budget {
  scope: string;
  match: string | null;
  usd: number;
  period: string;
  mode: string;
  lines: Line[];
}

let harness: TestGateway;
let memberKey: string;
let memberKeyId: string;

async function budgets(key: string): Promise<Budget[]> {
  const response = await fetch(`${harness.url}/admin/budgets`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Budget[] }).data;
}

async function chat(key: string): Promise<void> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 20,
      messages: [{ role: 'user', content: '!mock tokens=20\nhello' }],
    }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

function line(list: Budget[], scope: string, value: string): Line | undefined {
  return list
    .find((budget) => budget.scope === scope)
    ?.lines.find((entry) => entry.value === value);
}

beforeAll(async () => {
  harness = await startTestGateway({ config });
  const created = (await (
    await harness.admin('POST', '/admin/keys', {
      name: 'tagged member',
      role: 'member',
      tags: ['batch'],
    })
  ).json()) as { key: string; id: string };
  memberKey = created.key;
  memberKeyId = created.id;
});

afterAll(async () => {
  await harness.close();
});

describe('GET /admin/budgets', () => {
  it('lists every budget with zero lines before any spend', async () => {
    const list = await budgets(testAdminKey);
    expect(
      list.map((budget) => [budget.scope, budget.match, budget.usd, budget.period, budget.mode]),
    ).toEqual([
      ['key', null, 1, 'day', 'hard'],
      ['org', 'default', 10, 'month', 'soft'],
      ['model', 'priced/echo', 0.5, 'total', 'hard'],
      ['tag', null, 2, 'week', 'hard'],
    ]);
    expect(line(list, 'model', 'priced/echo')).toMatchObject({
      spent_usd: 0,
      reserved_usd: 0,
      utilisation: 0,
      period_start: '1970-01-01T00:00:00.000Z',
    });
  });

  it('shows what each counter spent in its period, and utilisation against its limit', async () => {
    await chat(testAdminKey);
    await chat(memberKey);
    await chat(memberKey);
    // Ledger rows are written behind the answers.
    const deadline = Date.now() + 5000;
    let list = await budgets(testAdminKey);
    // Each budget's counters are read in a transaction of their own, so a report taken while
    // rows are being written can show one budget ahead of another: wait for all of them.
    const settled = (): boolean =>
      (line(list, 'model', 'priced/echo')?.spent_usd ?? 0) >= 0.06 &&
      (line(list, 'key', memberKeyId)?.spent_usd ?? 0) >= 0.04 &&
      (line(list, 'key', 'environment')?.spent_usd ?? 0) >= 0.02 &&
      (line(list, 'tag', 'batch')?.spent_usd ?? 0) >= 0.04 &&
      (line(list, 'org', 'default')?.spent_usd ?? 0) >= 0.06;
    while (!settled() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      list = await budgets(testAdminKey);
    }
    expect(line(list, 'model', 'priced/echo')).toMatchObject({ spent_usd: 0.06, reserved_usd: 0 });
    expect(line(list, 'model', 'priced/echo')?.utilisation).toBeCloseTo(0.12, 9);
    expect(line(list, 'key', memberKeyId)?.spent_usd).toBeCloseTo(0.04, 9);
    expect(line(list, 'key', memberKeyId)?.utilisation).toBeCloseTo(0.04, 9);
    expect(line(list, 'key', 'environment')?.spent_usd).toBeCloseTo(0.02, 9);
    expect(line(list, 'org', 'default')?.spent_usd).toBeCloseTo(0.06, 9);
    expect(line(list, 'tag', 'batch')?.spent_usd).toBeCloseTo(0.04, 9);
    const today = new Date();
    expect(line(list, 'key', memberKeyId)?.period_start).toBe(
      new Date(
        Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()),
      ).toISOString(),
    );
  });

  it('shows a member only its own key, not install-wide counters', async () => {
    const list = await budgets(memberKey);
    expect(list.map((budget) => budget.scope)).toEqual(['key']);
    expect(list[0]?.lines.map((entry) => entry.value)).toEqual([memberKeyId]);
  });
});
