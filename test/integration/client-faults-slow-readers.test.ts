import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completion,
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/scripted-upstream.ts';
import {
  chatRequest,
  newProgress,
  openRaw,
  requestIdOf,
  requestLogRows,
  residentBytes,
  streamLongAnswer,
  waitUntil,
  type StreamProgress,
  soloScriptedConfig,
} from '../helpers/slow-client.ts';
import { spawnServe } from '../helpers/serve-process.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Client faults, part 2 (security.md §6, issue 10): clients that stop reading. A `signalbox
// serve` process (so its memory is its own) streams a long answer from a scripted upstream to a
// client that reads nothing: backpressure must reach the provider (its writes stall after a few
// megabytes of socket buffers, far short of the answer) and the gateway's resident memory must
// stay far below the answer's size. The same client then reads on and gets the whole answer; a
// complete (non-streamed) big answer to a non-reader leaves the gateway serving others. With
// `server.send_stall_ms`, a client that takes no bytes that long is cut (stream or not), and
// one that reads slowly but steadily is not.

const adminKey = 'client-faults-readers-admin-key-0123456789';
const streamBytes = 64 * 1024 * 1024;
const completeBytes = 8 * 1024 * 1024;
/** More than loopback socket buffers hold, so a cut answer shows as a short one. */
const hugeBytes = 20 * 1024 * 1024;

const sendStallMs = 2000;

let upstream: ScriptedUpstream;
let stalling: TestGateway;
let child: ChildProcess | undefined;
let url: string;
let appKey: string;
const progress: Record<string, StreamProgress> = {};

beforeAll(async () => {
  upstream = await startScriptedUpstream({
    long: (response) => {
      const current = newProgress();
      progress.long = current;
      streamLongAnswer(response, current, streamBytes);
    },
    warm: (response) => {
      streamLongAnswer(response, newProgress(), 16 * 1024 * 1024);
    },
    'stall-stream': (response) => {
      const current = newProgress();
      progress['stall-stream'] = current;
      streamLongAnswer(response, current, streamBytes);
    },
    'slow-stream': (response) => {
      const current = newProgress();
      progress['slow-stream'] = current;
      streamLongAnswer(response, current, 6 * 1024 * 1024);
    },
    big: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        completion(
          'y'.repeat(completeBytes),
          '{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}',
        ),
      );
    },
    huge: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        completion(
          'h'.repeat(hugeBytes),
          '{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}',
        ),
      );
    },
    quick: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        completion('hello', '{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}'),
      );
    },
  });
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-slow-readers-'));
  const configPath = join(directory, 'signalbox.yaml');
  writeFileSync(
    configPath,
    `
${soloScriptedConfig(upstream.baseUrl)}
`,
  );
  const server = spawnServe(
    ['--config', configPath, '--state-dir', join(directory, 'state'), '--port', '0'],
    { SIGNALBOX_ADMIN_KEY: adminKey },
  );
  child = server.child;
  url = await server.url;
  const created = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'readers' }),
  });
  appKey = ((await created.json()) as { key: string }).key;
  stalling = await startTestGateway({
    config: `
server:
  send_stall_ms: ${sendStallMs}
  stream_drain_ms: 0
${soloScriptedConfig(upstream.baseUrl)}
`,
  });
}, 40_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await stalling.close();
  await upstream.close();
});

function pid(): number {
  if (child?.pid === undefined) throw new Error('no gateway process');
  return child.pid;
}

async function quickRequest(): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'solo',
      messages: [{ role: 'user', content: 'script=quick' }],
    }),
    signal: AbortSignal.timeout(15_000),
  });
  await response.text();
  return response.status;
}

/** Resolves once `progress.written` has not grown for `quietMs`. */
async function waitForStall(current: () => StreamProgress | undefined, quietMs: number) {
  let last = -1;
  let since = performance.now();
  await waitUntil(
    () => {
      const written = current()?.written ?? 0;
      if (written !== last) {
        last = written;
        since = performance.now();
        return false;
      }
      return written > 0 && performance.now() - since > quietMs;
    },
    20_000,
    'the upstream writes to stall',
  );
}

describe('a streaming client that reads nothing', () => {
  it('stalls the provider after a few MB, keeps gateway memory far below the answer, then delivers all', async () => {
    // Warm up with a 16 MiB stream read at full speed, so the baseline includes the code paths
    // and the young-generation heap that passing a stream through takes (not retention).
    expect(await quickRequest()).toBe(200);
    const warm = openRaw(url, { keepData: false });
    await warm.connected;
    warm.socket.write(chatRequest(appKey, 'solo', 'warm', true));
    await warm.ended;
    expect(warm.receivedBytes()).toBeGreaterThan(16 * 1024 * 1024);
    const baseline = residentBytes(pid());
    const connection = openRaw(url, { keepData: false });
    await connection.connected;
    connection.socket.pause();
    connection.socket.write(chatRequest(appKey, 'solo', 'long', true));
    await waitForStall(() => progress.long, 1500);
    const current = progress.long;
    if (current === undefined) throw new Error('the upstream was never called');
    // Backpressure reached the provider: its writes returned false and stopped, with most of the
    // answer unwritten (what was written sits in loopback socket buffers, a few MB each).
    expect(current.stalls).toBeGreaterThan(0);
    expect(current.finished).toBe(false);
    expect(current.written).toBeLessThan(streamBytes / 3);
    const grown = residentBytes(pid()) - baseline;
    // The gateway holds at most its 64 KiB high-water mark per side plus allocator noise.
    expect(grown).toBeLessThan(streamBytes / 4);
    // Others are served meanwhile.
    expect(await quickRequest()).toBe(200);
    // The client reads on and gets the whole answer, in order, ending with [DONE].
    connection.socket.resume();
    let tail = '';
    connection.socket.on('data', (data: Buffer) => {
      tail = (tail + data.toString('latin1')).slice(-200);
    });
    const end = await connection.ended;
    expect(end.reset).toBe(false);
    expect(connection.receivedBytes()).toBeGreaterThan(streamBytes);
    expect(tail).toContain('"finish_reason":"stop"');
    expect(tail).toContain('data: [DONE]');
    expect(current.finished).toBe(true);
    // Exactly one request log row, completed with the provider's usage.
    const id = requestIdOf(connection.received());
    await waitUntil(
      async () => (await requestLogRows(url, adminKey, `request_id=${id}`)).length > 0,
      10_000,
      'the request log row',
    );
    const rows = await requestLogRows(url, adminKey, `request_id=${id}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 200,
      outcome: 'completed',
      stream: true,
      output_tokens: 7,
    });
  }, 30_000);
});

describe('a non-streaming client that reads nothing', () => {
  it('gets its big answer buffered once while others are served; closing it frees the slot', async () => {
    const connection = openRaw(url, { keepData: false });
    await connection.connected;
    connection.socket.pause();
    connection.socket.write(chatRequest(appKey, 'solo', 'big', false));
    await waitUntil(() => (upstream.hits.get('big') ?? 0) === 1, 15_000, 'the big answer');
    expect(await quickRequest()).toBe(200);
    // The answer is handed to the socket whole (bounded by the 64 MiB upstream answer limit) and
    // the request is recorded as completed: the provider did answer and bill it.
    const bigRows = async () =>
      (await requestLogRows(url, adminKey, 'limit=50')).filter((row) => row.output_tokens === 9);
    await waitUntil(async () => (await bigRows()).length > 0, 10_000, 'the request log row');
    const rows = await bigRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, outcome: 'completed', stream: false });
    connection.socket.destroy();
    await connection.ended;
    expect(await quickRequest()).toBe(200);
  }, 30_000);
});

describe('server.send_stall_ms', () => {
  it('regression "a non-reader is held forever": cuts a stalled stream and a stalled complete answer', async () => {
    const key = await stalling.createKey({ name: 'stalled' });
    const stream = openRaw(stalling.url, { keepData: false });
    const complete = openRaw(stalling.url, { keepData: false });
    await Promise.all([stream.connected, complete.connected]);
    stream.socket.pause();
    complete.socket.pause();
    stream.socket.write(chatRequest(key, 'solo', 'stall-stream', true));
    complete.socket.write(chatRequest(key, 'solo', 'huge', false));
    // The complete answer's record is written as it is handed to the socket; from then on it
    // waits on the client, and is cut send_stall_ms later.
    await waitUntil(
      () => stalling.records.some((record) => !record.stream && record.usage !== undefined),
      15_000,
      'the complete answer to be sent',
    );
    const completeSentAt = performance.now();
    // The stream's record is written when the gateway cuts it (a paused client cannot see that).
    await waitUntil(
      () => stalling.records.some((record) => record.stream),
      sendStallMs + 12_000,
      'the stalled stream to be cut',
    );
    const streamed = stalling.records.filter((record) => record.stream);
    expect(streamed).toHaveLength(1);
    expect(streamed[0]).toMatchObject({ status: 200, outcome: 'client-closed' });
    expect(streamed[0]?.durationMs).toBeGreaterThan(sendStallMs * 0.8);
    // The provider stream was cut too (stream_drain_ms: 0), long before its end.
    await waitUntil(
      () => progress['stall-stream']?.abortedEarly === true,
      5000,
      'the provider stream to be cut',
    );
    expect(progress['stall-stream']?.finished).toBe(false);
    // Past twice send_stall_ms (+2 s) the complete answer is cut as well (Node lets the first
    // inactivity timeout of a big pending write pass): reading on gets only what the kernel
    // held, not the 20 MiB.
    const waited = performance.now() - completeSentAt;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, 2 * sendStallMs + 2000 - waited)),
    );
    stream.socket.resume();
    complete.socket.resume();
    const [streamEnd, completeEnd] = await Promise.all([stream.ended, complete.ended]);
    expect(streamEnd.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(stream.receivedBytes()).toBeLessThan(streamBytes / 2);
    expect(completeEnd.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(complete.receivedBytes()).toBeLessThan(hugeBytes);
    // The gateway serves on.
    const after = await fetch(`${stalling.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'solo',
        messages: [{ role: 'user', content: 'script=quick' }],
      }),
    });
    expect(after.status).toBe(200);
  }, 30_000);

  it('never cuts a client that reads slowly but steadily', async () => {
    const key = await stalling.createKey({ name: 'slow-but-steady' });
    const connection = openRaw(stalling.url, { keepData: false });
    await connection.connected;
    connection.socket.pause();
    connection.socket.write(chatRequest(key, 'solo', 'slow-stream', true));
    // About 1.3 MB/s: one read of up to 64 KiB every 50 ms, for longer than send_stall_ms.
    const reader = setInterval(() => {
      connection.socket.read();
    }, 50);
    let tail = '';
    connection.socket.on('data', (data: Buffer) => {
      tail = (tail + data.toString('latin1')).slice(-100);
    });
    const end = await connection.ended;
    clearInterval(reader);
    expect(end.afterMs).toBeGreaterThan(sendStallMs);
    expect(tail).toContain('data: [DONE]');
    expect(progress['slow-stream']?.finished).toBe(true);
  }, 30_000);
});
