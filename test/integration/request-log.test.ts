// The request log through a running gateway: requests sent to the mock provider are written in
// the background, found with GET /admin/requests (filters, keyset pages), shown one by one with
// their decision trace, summed by GET /admin/requests/stats, and hidden from other tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
`;

type Json = Record<string, unknown>;
interface Entry extends Json {
  request_id: string;
  at: string;
  status: number;
  requested_model: string | null;
  org: string | null;
}

let harness: TestGateway;
let otherOrgAdminKey: string;
let acmeMemberKey: string;
const sent: string[] = [];

async function call(key: string, path: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(harness.url + path, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function chat(key: string, model: string): Promise<string> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: '!mock tokens=5\nhi' }] }),
  });
  await response.text();
  const id = response.headers.get('x-signalbox-request-id');
  if (id === null) throw new Error('no request id header');
  return id;
}

const chatRoute = '/v1/chat/completions';

/** Every row the platform admin sees, newest first, page by page. */
async function allRows(key = testAdminKey, limit = 200): Promise<Entry[]> {
  const rows: Entry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const { status, body } = await call(key, `/admin/requests?limit=${String(limit)}${query}`);
    expect(status).toBe(200);
    rows.push(...(body.data as Entry[]));
    cursor = body.next_cursor as string | null;
  } while (cursor !== null && rows.length < 10_000);
  return rows;
}

/** Polls until the default organisation's requests of `sent` are written (the writer batches). */
async function waitForRows(): Promise<Entry[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const rows = await allRows();
    const ids = new Set(rows.map((row) => row.request_id));
    // The last request is acme's: the admin's list shows the default organisation only.
    const acme = (await call(testAdminKey, '/admin/requests?org=acme')).body.data as Entry[];
    const acmeIds = new Set(acme.map((row) => row.request_id));
    if (sent.slice(0, 5).every((id) => ids.has(id)) && acmeIds.has(sent[5] ?? '')) return rows;
    if (Date.now() > deadline) throw new Error('the requests were not written in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  harness = await startTestGateway({ config });
  for (const org of ['acme', 'globex']) {
    const created = await harness.admin('POST', '/admin/orgs', { id: org, name: org });
    expect(created.status).toBe(201);
  }
  const key = async (request: Json): Promise<string> => {
    const response = await harness.admin('POST', '/admin/keys', request);
    expect(response.status).toBe(201);
    return ((await response.json()) as { key: string }).key;
  };
  otherOrgAdminKey = await key({ name: 'globex admin', org: 'globex', role: 'admin' });
  acmeMemberKey = await key({ name: 'acme member', org: 'acme', role: 'member' });
  for (let index = 0; index < 4; index += 1) sent.push(await chat(testAdminKey, 'priced/echo'));
  sent.push(await chat(testAdminKey, 'no-such-model'));
  sent.push(await chat(acmeMemberKey, 'priced/echo'));
});

afterAll(async () => {
  await harness.close();
});

describe('the request log', () => {
  it('lists every request newest first, found by filters', async () => {
    const rows = await waitForRows();
    // Admin calls are logged too; the environment admin key acts in the default organisation,
    // so acme's request is not here.
    const chats = rows.filter((row) => row.route === chatRoute);
    expect(chats.map((row) => row.request_id)).toEqual(sent.slice(0, 5).reverse());
    expect(rows.every((row) => row.org === 'default')).toBe(true);
    const first = rows.find((row) => row.request_id === sent[0]);
    expect(first).toMatchObject({
      method: 'POST',
      route: '/v1/chat/completions',
      status: 200,
      outcome: 'completed',
      org: 'default',
      requested_model: 'priced/echo',
      provider: 'priced',
      output_tokens: 5,
      cost_usd: 0.005,
      stream: false,
    });
    const failed = await call(testAdminKey, '/admin/requests?status=404');
    expect((failed.body.data as Entry[]).map((row) => row.request_id)).toEqual([sent[4]]);
    const byModel = await call(testAdminKey, '/admin/requests?model=priced/echo');
    expect(byModel.body.data).toHaveLength(4);
    const byId = await call(testAdminKey, `/admin/requests?request_id=${sent[2]!}`);
    expect((byId.body.data as Entry[]).map((row) => row.request_id)).toEqual([sent[2]]);
    const acme = await call(testAdminKey, '/admin/requests?org=acme');
    expect((acme.body.data as Entry[]).map((row) => row.request_id)).toEqual([sent[5]]);
  });

  it('pages with an opaque cursor, each row once, in order', async () => {
    await waitForRows();
    const whole = await allRows();
    const paged = await allRows(testAdminKey, 2);
    // Rows written between the two reads are newer: the paged list starts with them.
    const older = paged.slice(paged.length - whole.length);
    expect(older.map((row) => row.request_id)).toEqual(whole.map((row) => row.request_id));
    expect(new Set(paged.map((row) => row.request_id)).size).toBe(paged.length);
    const order = paged.map((row) => `${row.at} ${row.request_id}`);
    expect(order).toEqual([...order].sort().reverse());
  });

  it('shows one request with its decision trace and attempts', async () => {
    await waitForRows();
    const { status, body } = await call(testAdminKey, `/admin/requests/${sent[1]!}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ request_id: sent[1], status: 200, payload_seq: null });
    expect(body.decision).toMatchObject({ model: 'priced/echo', reason: 'direct' });
    expect(body.attempts).toHaveLength(1);
    expect(body.usage).toMatchObject({ output_tokens: 5 });
    // What the gateway recorded for the request, in the API's snake_case.
    const record = harness.records.find((entry) => entry.requestId === sent[1]);
    expect(body.finish_reasons).toEqual(record?.finishReasons);
    // A complete (non-streamed) answer's finish reason is recorded too.
    expect(body.finish_reasons).toEqual(['stop']);
    const attempt = record?.attempts[0];
    expect(body.attempts).toEqual([
      expect.objectContaining({
        deployment: attempt?.deployment,
        outcome: attempt?.outcome,
        duration_ms: attempt?.durationMs,
      }),
    ]);
    expect((body.decision as Json).groups).toEqual([
      expect.objectContaining({
        candidates: [expect.objectContaining({ deployment: attempt?.deployment, eligible: true })],
      }),
    ]);
    expect((await call(testAdminKey, '/admin/requests/req_unknown')).status).toBe(404);
  });

  it('reports stats: totals, a series and the top models (stats is not an id)', async () => {
    await waitForRows();
    // Rows are only ever added (admin calls are logged too, flushed in the background): the
    // stats count at least what a list read before them shows and at most what one after shows.
    const before = await allRows();
    const { status, body } = await call(testAdminKey, '/admin/requests/stats?bucket=minute');
    expect(status).toBe(200);
    const after = await allRows();
    const totals = body.totals as Json;
    expect(totals.requests).toBeGreaterThanOrEqual(before.length);
    expect(totals.requests).toBeLessThanOrEqual(after.length);
    // Errors likewise: the failed chat, and the earlier tests' admin 404 once it is written.
    const errors = (rows: readonly Entry[]): number =>
      rows.filter((row) => row.status >= 400 || row.outcome !== 'completed').length;
    expect(errors(before)).toBeGreaterThanOrEqual(1);
    expect(totals.errors).toBeGreaterThanOrEqual(errors(before));
    expect(totals.errors).toBeLessThanOrEqual(errors(after));
    expect(totals).toMatchObject({ output_tokens: 20, cost_usd: 0.02 });
    expect(totals.p50_ms).toEqual(expect.any(Number));
    const series = body.series as Json[];
    // The last 24 hours by minute: every bucket listed, empty ones with zeros.
    expect(series.length).toBeGreaterThanOrEqual(1440);
    expect(series.reduce((sum, entry) => sum + (entry.requests as number), 0)).toBe(
      totals.requests,
    );
    const models = body.by_model as Json[];
    expect(models).toContainEqual({ model: 'priced/echo', requests: 4, cost_usd: 0.02 });
    expect(models).toContainEqual({ model: 'no-such-model', requests: 1, cost_usd: 0 });
  });

  it("keeps other tenants' requests out of sight", async () => {
    await waitForRows();
    const sentIds = new Set(sent);
    const list = await allRows(otherOrgAdminKey);
    expect(list.filter((row) => sentIds.has(row.request_id))).toEqual([]);
    expect(list.every((row) => row.org === 'globex')).toBe(true);
    // Asking for another organisation by name is replaced by the caller's own.
    const named = await call(otherOrgAdminKey, '/admin/requests?org=default');
    expect((named.body.data as Entry[]).every((row) => row.org === 'globex')).toBe(true);
    expect((await call(otherOrgAdminKey, `/admin/requests/${sent[0]!}`)).status).toBe(404);
    const stats = await call(otherOrgAdminKey, '/admin/requests/stats');
    expect((stats.body.totals as Json).output_tokens).toBe(0);
    expect(stats.body.by_model).not.toContainEqual(
      expect.objectContaining({ model: 'priced/echo' }),
    );
    // A member sees its own requests only.
    const own = await allRows(acmeMemberKey);
    expect(own.filter((row) => sentIds.has(row.request_id)).map((row) => row.request_id)).toEqual([
      sent[5],
    ]);
    expect(own.every((row) => row.key_id === own[0]?.key_id)).toBe(true);
  });

  it('refuses a bad query with 400 and a clear message', async () => {
    for (const [query, param] of [
      ['?limit=500', 'limit'],
      ['?limit=0', 'limit'],
      ['?status=abc', 'status'],
      ['?outcome=fine', 'outcome'],
      ['?from=yesterday', 'from'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?colour=red', 'colour'],
      ['/stats?bucket=week', 'bucket'],
      ['/stats?from=2020-01-01&bucket=minute', 'bucket'],
      ['?from=2026-02-01&to=2026-01-01', 'from'],
    ] as const) {
      const { status, body } = await call(testAdminKey, `/admin/requests${query}`);
      expect(status, query).toBe(400);
      const error = body.error as { code: string; param: string; message: string };
      expect(error.code, query).toBe('SB_ERR_REQUEST_INVALID');
      expect(error.param, query).toBe(param);
      expect(error.message.length, query).toBeGreaterThan(10);
    }
  });
});

describe('the request log with payload retention', () => {
  it('links a request to its kept payload by audit seq', async () => {
    const retaining = await startTestGateway({
      config: `providers:\n  - { id: mock, type: mock }\naudit:\n  payloads: { retention_days: 30, max_bytes: 4096 }\n`,
      environment: { SIGNALBOX_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    });
    try {
      const response = await fetch(`${retaining.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'kept' }] }),
      });
      await response.text();
      const id = response.headers.get('x-signalbox-request-id')!;
      const deadline = Date.now() + 5000;
      let seq: unknown = null;
      while (seq === null && Date.now() < deadline) {
        const found = await retaining.admin('GET', `/admin/requests/${id}`);
        if (found.status === 200) seq = ((await found.json()) as Json).payload_seq;
        else await found.text();
        if (seq === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seq).toEqual(expect.any(Number));
      const payload = await retaining.admin('GET', `/admin/audit/payloads/${String(seq)}`);
      expect(payload.status).toBe(200);
      expect(((await payload.json()) as Json).request_id).toBe(id);
      // The request log itself holds no prompt: the word sent is nowhere in its row.
      const row = await retaining.admin('GET', `/admin/requests/${id}`);
      expect(await row.text()).not.toContain('kept');
    } finally {
      await retaining.close();
    }
  });
});
