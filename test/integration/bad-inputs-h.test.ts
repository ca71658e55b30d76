import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 H2 and H5: exactly one record per request, whatever the endpoint, streamed or
// not, served or refused or failed upstream; and nothing dropped when more requests arrive than
// one batch of the request log holds. Checked in all three places a request is recorded: the
// request record, the audit trail and the request log API.

let harness: TestGateway;
let appKey: string;
const sent: { name: string; requestId: string; status: number }[] = [];
let auditRequestIds: string[] = [];
const logged = new Map<string, number>();

async function send(name: string, path: string, body: unknown, key = appKey): Promise<void> {
  const response = await fetch(harness.url + path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
  await response.text();
  sent.push({
    name,
    requestId: response.headers.get('x-signalbox-request-id') ?? '',
    status: response.status,
  });
}

const chat = (extra: Record<string, unknown>) => ({
  model: 'mock/echo',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

beforeAll(async () => {
  harness = await startTestGateway({
    config: `
providers:
  - { id: mock, type: mock }
`,
  });
  appKey = await harness.createKey();
  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'complete';
    await send(`chat ${mode}`, '/v1/chat/completions', chat({ stream }));
    await send(`chat ${mode} upstream 500`, '/v1/chat/completions', {
      ...chat({ stream }),
      messages: [{ role: 'user', content: '!mock status=500' }],
    });
    await send(
      `chat ${mode} unknown model`,
      '/v1/chat/completions',
      chat({ stream, model: 'x/y' }),
    );
    await send(`responses ${mode}`, '/v1/responses', { model: 'mock/echo', input: 'hi', stream });
    await send(`messages ${mode}`, '/v1/messages', {
      model: 'mock/echo',
      max_tokens: 8,
      stream,
      messages: [{ role: 'user', content: 'hi' }],
    });
  }
  await send('chat invalid body', '/v1/chat/completions', { model: 1 });
  await send('embeddings', '/v1/embeddings', { model: 'mock/embed', input: 'x' });
  await send('count tokens', '/v1/messages/count_tokens', {
    model: 'mock/echo',
    messages: [{ role: 'user', content: 'hi' }],
  });
  await send('route', '/v1/route', chat({}));
  await send('admin key', '/v1/chat/completions', chat({}), testAdminKey);
  // More than one request-log batch (100 rows) at once.
  await Promise.all(
    Array.from({ length: 150 }, (_, index) =>
      send(`bulk ${String(index)}`, '/v1/chat/completions', chat({})),
    ),
  );

  // The request log API, page by page, until every request is there (rows are written in batches).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    logged.clear();
    let cursor = '';
    for (;;) {
      const page = await harness.admin(
        'GET',
        `/admin/requests?limit=200${cursor === '' ? '' : `&cursor=${cursor}`}`,
      );
      const body = (await page.json()) as {
        data: { request_id: string }[];
        next_cursor: string | null;
      };
      for (const row of body.data) {
        logged.set(row.request_id, (logged.get(row.request_id) ?? 0) + 1);
      }
      if (body.next_cursor === null) break;
      cursor = encodeURIComponent(body.next_cursor);
    }
    if (sent.every((request) => logged.has(request.requestId))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await harness.gateway.close();
  const store = new SqliteAuditLogStore(openSqliteDatabase(harness.stateDir));
  auditRequestIds = (await store.read(0, 100_000))
    .filter((record) => record.kind === 'request')
    .map((record) => (JSON.parse(record.payload) as { request_id: string }).request_id);
}, 60_000);

afterAll(async () => {
  await harness.close();
});

function countOf(ids: readonly string[], id: string): number {
  return ids.filter((candidate) => candidate === id).length;
}

describe('H2/H5: exactly one record per request', () => {
  it('sent every kind of request, served, refused and failed', () => {
    expect(sent.length).toBe(165);
    expect(new Set(sent.map((request) => request.requestId)).size).toBe(sent.length);
    const statuses = new Set(sent.map((request) => request.status));
    expect([...statuses].some((status) => status >= 500)).toBe(true);
    expect([...statuses].some((status) => status >= 400 && status < 500)).toBe(true);
    expect(statuses.has(200)).toBe(true);
  });

  it('one request record each', () => {
    const ids = harness.records.map((record) => record.requestId);
    for (const request of sent) {
      expect(countOf(ids, request.requestId), request.name).toBe(1);
    }
  });

  it('one audit record each', () => {
    for (const request of sent) {
      expect(countOf(auditRequestIds, request.requestId), request.name).toBe(1);
    }
  });

  it('one request log row each, more than a batch arriving at once included', () => {
    for (const request of sent) {
      expect(logged.get(request.requestId), request.name).toBe(1);
    }
  });
});
