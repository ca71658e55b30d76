import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 G2 (concurrent first requests of a new principal racing the creation of its
// budget line), G4 (spend kept in memory, refilled by every restart) and B9 (enforcement skipped
// for the master key): a per-key budget holds from a key's very first requests, fired at once;
// a model budget, once spent, stays spent across a restart on the same state, and binds the
// admin key exactly as it binds a virtual key.

// Output at $1 per million tokens, free input: a 20-token answer costs exactly $0.00002.
const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1 } } }
budgets:
  - { scope: model, match: priced/echo, usd: 0.00006, period: month }
`;

const running: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(running.map((harness) => harness.close()));
});

async function status(harness: TestGateway, key: string): Promise<number> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 20,
      messages: [{ role: 'user', content: '!mock tokens=20\nhello' }],
    }),
  });
  await response.text();
  return response.status;
}

describe('G4/B9: a spent budget across a restart, for every kind of caller', () => {
  it('refuses with 402 after the restart, for the admin key and a virtual key alike', async () => {
    const first = await startTestGateway({ config });
    running.push(first);
    const virtualKey = await first.createKey({ name: 'app' });
    // The admin key spends too: it is not exempt.
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      statuses.push(await status(first, index % 2 === 0 ? testAdminKey : virtualKey));
    }
    expect(statuses.filter((code) => code === 200).length).toBe(3);
    expect(statuses.slice(3)).toEqual([402, 402, 402]);
    await first.close();

    const second = await startTestGateway({ config, stateDir: first.stateDir });
    running.push(second);
    expect(await status(second, virtualKey)).toBe(402);
    expect(await status(second, testAdminKey)).toBe(402);
  });
});

describe('G2: a brand-new key whose first requests all arrive at once', () => {
  it('admits exactly what its per-key budget affords out of 30 concurrent first requests', async () => {
    const harness = await startTestGateway({
      config: `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1 } } }
budgets:
  - { scope: key, usd: 0.0001, period: day }
`,
    });
    running.push(harness);
    for (const name of ['first', 'second']) {
      const fresh = await harness.createKey({ name });
      const statuses = await Promise.all(Array.from({ length: 30 }, () => status(harness, fresh)));
      // $0.0001 affords five holds of $0.00002; every other request is refused, none fails.
      expect(statuses.filter((code) => code === 200).length, name).toBe(5);
      expect(statuses.filter((code) => code === 402).length, name).toBe(25);
    }
  });
});
