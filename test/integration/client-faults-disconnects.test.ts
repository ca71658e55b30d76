import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParseJson } from '../../src/lib/json.ts';
import type { RequestRecord } from '../../src/observability/request-record.ts';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import {
  completion,
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/scripted-upstream.ts';
import {
  chatBody,
  chatHead,
  newProgress,
  openRaw,
  streamSlowly,
  waitUntil,
  type RawConnection,
  type StreamProgress,
  soloScriptedConfig,
} from '../helpers/slow-client.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Client faults, part 3 (security.md §6, issue 10): a client that leaves at every phase of a
// request, by FIN (end) and by RST (reset). For each: the gateway stays healthy, the upstream
// request is aborted, or read on for `server.stream_drain_ms` to record its usage
// (docs/budgets.md), and exactly one request record and one ledger row exist for each request
// the gateway accepted (none for one whose headers never completed), with outcome
// `client-closed` once the answer had started; nothing is logged at error level.

const drainMs = 3000;
const thinkMs = 1500;

type Phase =
  | 'mid-headers'
  | 'mid-body'
  | 'upstream-thinking'
  | 'after-first-chunk'
  | 'mid-stream'
  | 'mid-complete-body';
type Close = 'fin' | 'rst';

/** What the upstream saw, per case (the script name carries the case). */
const seen = new Map<string, StreamProgress>();

function scriptFor(kind: string): (response: ServerResponse, caseName: string) => void {
  return (response, caseName) => {
    const progress = newProgress();
    seen.set(caseName, progress);
    response.once('close', () => {
      if (!progress.finished) progress.abortedEarly = true;
    });
    if (kind === 'think') {
      setTimeout(() => {
        if (response.destroyed) return;
        progress.finished = true;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          completion('late', '{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}'),
        );
      }, thinkMs);
    } else if (kind === 'stream') {
      streamSlowly(response, progress, 20, 50);
    } else {
      progress.finished = true;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        completion(
          'z'.repeat(4 * 1024 * 1024),
          '{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}',
        ),
      );
    }
  };
}

/** A gateway on the scripted upstream, with `drain` as `server.stream_drain_ms`. */
async function gatewayWith(upstream: ScriptedUpstream, drain: number): Promise<TestGateway> {
  return startTestGateway({
    config: `
server:
  stream_drain_ms: ${drain}
routing:
  retries: { max_retries: 0 }
${soloScriptedConfig(upstream.baseUrl)}
`,
  });
}

let upstream: ScriptedUpstream;
let draining: TestGateway;
let cutting: TestGateway;

const phases: readonly Phase[] = [
  'mid-headers',
  'mid-body',
  'upstream-thinking',
  'after-first-chunk',
  'mid-stream',
  'mid-complete-body',
];
const closes: readonly Close[] = ['fin', 'rst'];
const scriptKind: Record<Phase, string> = {
  'mid-headers': 'think',
  'mid-body': 'think',
  'upstream-thinking': 'think',
  'after-first-chunk': 'stream',
  'mid-stream': 'stream',
  'mid-complete-body': 'big',
};

beforeAll(async () => {
  const scripts: Record<string, (response: ServerResponse) => void> = {};
  for (const gateway of ['drain', 'cut']) {
    for (const phase of phases) {
      for (const close of closes) {
        const name = `${gateway}-${phase}-${close}`;
        const script = scriptFor(scriptKind[phase]);
        scripts[name] = (response) => script(response, name);
      }
    }
  }
  scripts.quick = (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(completion('ok', '{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}'));
  };
  upstream = await startScriptedUpstream(scripts);
  [draining, cutting] = await Promise.all([
    gatewayWith(upstream, drainMs),
    gatewayWith(upstream, 0),
  ]);
});

afterAll(async () => {
  await Promise.all([draining.close(), cutting.close()]);
  await upstream.close();
});

/** Creates a key named `name` and returns its text and id. */
async function createKey(harness: TestGateway, name: string): Promise<{ key: string; id: string }> {
  const response = await harness.admin('POST', '/admin/keys', { name });
  const created = (await response.json()) as { key: string; id: string };
  return created;
}

/** Closes the client side: a FIN (half-close, then close) or an RST. */
function leave(connection: RawConnection, close: Close): void {
  if (close === 'fin') connection.socket.end();
  else connection.socket.resetAndDestroy();
}

/** Runs one case: sends the request up to `phase`, leaves, and returns the key id it used. */
async function runCase(
  harness: TestGateway,
  gateway: 'drain' | 'cut',
  phase: Phase,
  close: Close,
): Promise<string> {
  const name = `${gateway}-${phase}-${close}`;
  const { key, id } = await createKey(harness, name);
  const stream = scriptKind[phase] === 'stream';
  const body = chatBody('solo', name, stream);
  const head = chatHead(key, Buffer.byteLength(body));
  const connection = openRaw(harness.url);
  await connection.connected;
  switch (phase) {
    case 'mid-headers':
      connection.socket.write(head.slice(0, head.length - 30));
      await new Promise((resolve) => setTimeout(resolve, 100));
      break;
    case 'mid-body':
      connection.socket.write(head + body.slice(0, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      break;
    case 'upstream-thinking':
      connection.socket.write(head + body);
      await waitUntil(() => seen.has(name), 10_000, `${name}: the upstream call`);
      break;
    case 'after-first-chunk':
      connection.socket.write(head + body);
      await connection.waitForText((text) => text.includes('data: '));
      break;
    case 'mid-stream':
      connection.socket.write(head + body);
      await connection.waitForText((text) => (text.match(/word\d+/g) ?? []).length >= 5);
      break;
    case 'mid-complete-body':
      connection.socket.write(head + body);
      await connection.waitForText((text) => text.includes('zzzz'));
      break;
  }
  leave(connection, close);
  await connection.ended;
  return id;
}

/** The records of requests made with key `keyId` on `/v1/chat/completions`. */
function chatRecords(harness: TestGateway, keyId: string): RequestRecord[] {
  return harness.records.filter(
    (record) => record.keyId === keyId && record.route === '/v1/chat/completions',
  );
}

/** Waits until the case's record count has held at `expected` for a while (or fails). */
async function settledRecords(
  harness: TestGateway,
  keyId: string,
  expected: number,
): Promise<RequestRecord[]> {
  await waitUntil(() => chatRecords(harness, keyId).length >= expected, 15_000, 'the record');
  // Nothing more comes (a second record would show up within this grace).
  await new Promise((resolve) => setTimeout(resolve, 300));
  return chatRecords(harness, keyId);
}

/** One key's line of `GET /admin/spend?group_by=key` (absent when it has no ledger row). */
interface SpendLine {
  readonly requests: number;
  readonly cost_usd: number;
  readonly output_tokens: number;
  readonly estimated_requests: number;
}

async function spendOf(harness: TestGateway, keyId: string): Promise<SpendLine | undefined> {
  const response = await harness.admin('GET', `/admin/spend?group_by=key&key=${keyId}`);
  return ((await response.json()) as { data: SpendLine[] }).data[0];
}

/** The key's ledger line once it counts `expected` requests (and still does a moment later). */
async function settledSpend(
  harness: TestGateway,
  keyId: string,
  expected: number,
): Promise<SpendLine | undefined> {
  if (expected > 0) {
    await waitUntil(
      async () => ((await spendOf(harness, keyId))?.requests ?? 0) >= expected,
      10_000,
      'the ledger row',
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  return spendOf(harness, keyId);
}

/** The audit trail's `request` events of key `keyId` (read from the state directory). */
async function auditRequests(
  harness: TestGateway,
  keyId: string,
): Promise<{ status: number; outcome: string; request_id: string }[]> {
  const database = openSqliteDatabase(harness.stateDir);
  try {
    const records = await new SqliteAuditLogStore(database).read(0, 100_000);
    return records.flatMap((record) => {
      if (record.kind !== 'request') return [];
      const parsed = safeParseJson(record.payload);
      const payload = (parsed.ok ? parsed.value : {}) as {
        identity?: { key_id?: string };
        status: number;
        outcome: string;
        request_id: string;
      };
      return payload.identity?.key_id === keyId ? [payload] : [];
    });
  } finally {
    database.close();
  }
}

async function healthy(harness: TestGateway): Promise<void> {
  const { key } = await createKey(harness, 'after');
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: chatBody('solo', 'quick', false),
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  await response.text();
}

function errorLines(harness: TestGateway): string[] {
  return harness.logLines.filter((line) => /"level":(50|60)/.test(line));
}

/** Runs all 12 cases (6 phases, FIN and RST) at once on `harness`. */
function runAll(harness: TestGateway, gateway: 'drain' | 'cut') {
  return Promise.all(
    phases.flatMap((phase) =>
      closes.map(async (close) => ({
        phase,
        close,
        name: `${gateway}-${phase}-${close}`,
        keyId: await runCase(harness, gateway, phase, close),
      })),
    ),
  );
}

/** Checks what every phase must leave behind, whatever the drain setting. */
async function checkCommon(
  harness: TestGateway,
  phase: Phase,
  name: string,
  keyId: string,
): Promise<{ record: RequestRecord | undefined; spend: SpendLine | undefined }> {
  const accepted = phase !== 'mid-headers';
  const records = await settledRecords(harness, keyId, accepted ? 1 : 0);
  expect(records, name).toHaveLength(accepted ? 1 : 0);
  const record = records[0];
  const reachedUpstream = accepted && phase !== 'mid-body';
  expect(seen.has(name), name).toBe(reachedUpstream);
  const spend = await settledSpend(harness, keyId, reachedUpstream ? 1 : 0);
  // One ledger row for each request that reached a provider, none for the others.
  expect(spend?.requests ?? 0, name).toBe(reachedUpstream ? 1 : 0);
  // One audit event per accepted request, saying what the record says.
  if (accepted) {
    await waitUntil(
      async () => (await auditRequests(harness, keyId)).length > 0,
      10_000,
      `${name}: the audit event`,
    );
  }
  const audited = await auditRequests(harness, keyId);
  expect(audited, name).toHaveLength(accepted ? 1 : 0);
  if (record !== undefined) {
    expect(audited[0], name).toMatchObject({
      request_id: record.requestId,
      status: record.status,
      outcome: record.outcome,
    });
  }
  if (phase === 'mid-body') {
    // Regression "mid-body close recorded as a timeout": it was 408 SB_ERR_REQUEST_TIMEOUT.
    expect(record, name).toMatchObject({
      status: 499,
      outcome: 'client-closed',
      errorCode: 'SB_ERR_CLIENT_CLOSED',
      attempts: [],
    });
  }
  if (phase === 'upstream-thinking') {
    // The provider call is aborted at once: it never got to answer.
    await waitUntil(() => seen.get(name)?.abortedEarly === true, 5000, `${name}: the abort`);
    expect(seen.get(name)?.finished, name).toBe(false);
    expect(record, name).toMatchObject({
      status: 499,
      outcome: 'client-closed',
      errorCode: 'SB_ERR_CLIENT_CLOSED',
    });
    expect(spend?.cost_usd, name).toBe(0);
  }
  if (phase === 'mid-complete-body') {
    // A complete answer is handed to the socket whole: the provider answered and billed it.
    expect(record, name).toMatchObject({ status: 200, outcome: 'completed' });
    expect(record?.usage?.outputTokens.total, name).toBe(3);
    expect(spend?.cost_usd, name).toBe(record?.costUsd);
  }
  if (phase === 'after-first-chunk' || phase === 'mid-stream') {
    expect(record, name).toMatchObject({
      status: 200,
      outcome: 'client-closed',
      stream: true,
    });
  }
  return { record, spend };
}

describe('a client leaving at every phase (6 phases × FIN/RST)', () => {
  it('with stream_drain_ms: streams are read to their end and billed exactly', async () => {
    const results = await runAll(draining, 'drain');
    await Promise.all(
      results.map(async ({ phase, name, keyId }) => {
        const { record, spend } = await checkCommon(draining, phase, name, keyId);
        if (phase === 'after-first-chunk' || phase === 'mid-stream') {
          // Read on after the client left, to the provider's usage: exact, not estimated.
          await waitUntil(() => seen.get(name)?.finished === true, 10_000, `${name}: the drain`);
          expect(seen.get(name)?.abortedEarly, name).toBe(false);
          expect(record?.usage?.outputTokens.total, name).toBe(7);
          expect(spend, name).toMatchObject({ output_tokens: 7, estimated_requests: 0 });
          expect(spend?.cost_usd, name).toBe(record?.costUsd);
        }
      }),
    );
    await healthy(draining);
    expect(errorLines(draining)).toEqual([]);
  }, 30_000);

  it('with stream_drain_ms: 0: streams are cut at once and billed as an estimate', async () => {
    const results = await runAll(cutting, 'cut');
    await Promise.all(
      results.map(async ({ phase, name, keyId }) => {
        const { spend } = await checkCommon(cutting, phase, name, keyId);
        if (phase === 'after-first-chunk' || phase === 'mid-stream') {
          await waitUntil(() => seen.get(name)?.abortedEarly === true, 5000, `${name}: the cut`);
          expect(seen.get(name)?.finished, name).toBe(false);
          expect(spend?.estimated_requests, name).toBe(1);
          expect(spend?.cost_usd ?? 0, name).toBeGreaterThan(0);
        }
      }),
    );
    await healthy(cutting);
    expect(errorLines(cutting)).toEqual([]);
  }, 30_000);
});
