import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completion,
  startScriptedUpstream,
  type ScriptedUpstream,
} from '../helpers/scripted-upstream.ts';
import {
  chatBody,
  chatHead,
  openRaw,
  trickle,
  type RawConnection,
  soloScriptedConfig,
} from '../helpers/slow-client.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Client faults, part 1 (security.md §6, issue 10): slow and malformed clients. A client that
// trickles its headers or its body is cut at `server.headers_timeout_ms` /
// `server.request_timeout_ms` (plus the server's 1 s check interval), nothing it sent reaches a
// provider, and a normal client is served meanwhile, even beside 200 such connections. Oversized
// streamed bodies are refused without being read whole, and ambiguous framing (request smuggling
// shapes) is refused by the strict parser before any route runs.

const headersTimeoutMs = 1500;
const requestTimeoutMs = 3000;
const maxBodyBytes = 64 * 1024;

let upstream: ScriptedUpstream;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  upstream = await startScriptedUpstream({
    quick: (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        completion('hello', '{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}'),
      );
    },
  });
  harness = await startTestGateway({
    config: `
server:
  headers_timeout_ms: ${headersTimeoutMs}
  request_timeout_ms: ${requestTimeoutMs}
  max_body_bytes: ${maxBodyBytes}
${soloScriptedConfig(upstream.baseUrl)}
`,
  });
  appKey = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

/** A normal, complete chat request; resolves with its status and how long it took. */
async function normalRequest(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: chatBody('solo', 'quick', false),
    signal: AbortSignal.timeout(15_000),
  });
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

/** Upper bound for a cut: the timeout, plus the 1 s check interval, plus a loaded machine. */
const cutBound = (timeoutMs: number): number => timeoutMs + 1000 + 4000;

describe('slowloris headers', () => {
  it('regression "30 s timeout sweep": cuts trickled headers within headers_timeout_ms + 1 s, with 408', async () => {
    const connection = openRaw(harness.url);
    await connection.connected;
    // Headers that never end: one byte every 200 ms, far slower than the timeout allows.
    trickle(connection.socket, chatHead(appKey, 10).repeat(50), 200, { holdLast: true });
    const end = await connection.ended;
    // Not before the timeout (it is the timeout that cut it), and well within the bound.
    expect(end.afterMs).toBeGreaterThan(headersTimeoutMs * 0.8);
    expect(end.afterMs).toBeLessThan(cutBound(headersTimeoutMs));
    // The server says why: 408 (regression: it was 400, as for malformed bytes).
    expect(end.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(upstream.hits.size).toBe(0);
  });

  it('serves a normal request promptly while 200 slowloris connections are open', async () => {
    const slow: RawConnection[] = [];
    for (let index = 0; index < 200; index += 1) {
      const connection = openRaw(harness.url);
      slow.push(connection);
    }
    await Promise.all(slow.map((connection) => connection.connected));
    const stops = slow.map((connection) =>
      trickle(
        connection.socket,
        'POST /v1/chat/completions HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaa',
        300,
        {
          holdLast: true,
        },
      ),
    );
    const first = await normalRequest();
    // Served beside them, not after the server cut them: most are still open at the answer.
    const stillOpen = slow.filter((connection) => !connection.socket.destroyed).length;
    const answers = [first];
    for (let index = 0; index < 4; index += 1) {
      answers.push(await normalRequest());
    }
    expect(stillOpen).toBeGreaterThan(150);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      // Generous for a loaded 2-core machine; unloaded these take a few milliseconds.
      expect(answer.ms).toBeLessThan(5000);
    }
    // Every slowloris connection is then cut by the server, none left open.
    const ends = await Promise.all(slow.map((connection) => connection.ended));
    for (const stop of stops) stop();
    expect(Math.max(...ends.map((end) => end.afterMs))).toBeLessThan(
      cutBound(headersTimeoutMs) + 3000,
    );
    expect(upstream.hits.get('quick')).toBe(5);
  });
});

describe('slowloris body', () => {
  it('cuts a trickled and a stalled body at request_timeout_ms; nothing reaches the provider', async () => {
    const before = harness.records.length;
    const hitsBefore = upstream.hits.get('quick') ?? 0;
    const body = chatBody('solo', 'quick', false);
    const trickled = openRaw(harness.url);
    const stalled = openRaw(harness.url);
    await Promise.all([trickled.connected, stalled.connected]);
    trickled.socket.write(chatHead(appKey, body.length));
    trickle(trickled.socket, body, 250, { holdLast: true });
    stalled.socket.write(chatHead(appKey, body.length) + body.slice(0, 20));
    // A normal client is served while both are pending.
    const normal = await normalRequest();
    expect(normal.status).toBe(200);
    expect(normal.ms).toBeLessThan(5000);
    // It did not wait for them: both are still pending when it is answered.
    expect(trickled.socket.destroyed || stalled.socket.destroyed).toBe(false);
    const ends = await Promise.all([trickled.ended, stalled.ended]);
    for (const end of ends) {
      expect(end.afterMs).toBeGreaterThan(requestTimeoutMs * 0.8);
      expect(end.afterMs).toBeLessThan(cutBound(requestTimeoutMs));
      expect(end.received).not.toMatch(/^HTTP\/1\.1 200 /);
    }
    // Only the normal request reached the provider.
    expect(upstream.hits.get('quick')).toBe(hitsBefore + 1);
    // One record each, none claiming the cut requests were served.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const records = harness.records.slice(before);
    expect(records).toHaveLength(3);
    expect(records.filter((record) => record.outcome === 'completed')).toHaveLength(1);
    for (const record of records.filter((entry) => entry.outcome !== 'completed')) {
      // Recorded as the timeout it was (not as a client that left).
      expect(record).toMatchObject({ status: 408, errorCode: 'SB_ERR_REQUEST_TIMEOUT' });
      expect(record.usage).toBeUndefined();
      expect(record.attempts).toHaveLength(0);
    }
  });

  it('refuses a streamed (chunked) body over max_body_bytes with 413 without reading it whole', async () => {
    const connection = openRaw(harness.url);
    await connection.connected;
    connection.socket.write(
      [
        'POST /v1/chat/completions HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${appKey}`,
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
        '',
        '',
      ].join('\r\n'),
    );
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([
      Buffer.from(`${piece.length.toString(16)}\r\n`),
      piece,
      Buffer.from('\r\n'),
    ]);
    const attempt = 64 * 1024 * 1024;
    let written = 0;
    // Write with backpressure until the answer comes or the server closes.
    while (written < attempt && connection.receivedBytes() === 0 && !connection.socket.destroyed) {
      written += frame.length;
      if (!connection.socket.write(frame)) {
        await Promise.race([
          new Promise((resolve) => connection.socket.once('drain', resolve)),
          connection.ended,
          new Promise((resolve) => setTimeout(resolve, 200)),
        ]);
      }
    }
    const answer = await connection.waitForText((text) => text.includes('\r\n\r\n'), 10_000);
    connection.socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    // Refused as soon as the limit passed: what the kernel buffers, not the 64 MiB offered.
    expect(written).toBeLessThan(attempt / 2);
    // The gateway still serves.
    expect((await normalRequest()).status).toBe(200);
  });
});

describe('ambiguous framing (request smuggling shapes)', () => {
  const head = (extra: readonly string[]): string[] => [
    'POST /v1/chat/completions HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${appKey}`,
    'Content-Type: application/json',
    ...extra,
  ];
  const body = (): string => chatBody('solo', 'quick', false);
  const cases: readonly (readonly [string, () => { lines: string[]; raw: string }])[] = [
    [
      'Content-Length and Transfer-Encoding together (CL.TE)',
      () => ({
        lines: head([`Content-Length: ${body().length + 5}`, 'Transfer-Encoding: chunked']),
        raw: `${body().length.toString(16)}\r\n${body()}\r\n0\r\n\r\n`,
      }),
    ],
    [
      'two different Content-Length values',
      () => ({
        lines: head([`Content-Length: ${body().length}`, `Content-Length: ${body().length - 10}`]),
        raw: body(),
      }),
    ],
    [
      'a signed Content-Length',
      () => ({ lines: head([`Content-Length: +${body().length}`]), raw: body() }),
    ],
    [
      'an obfuscated Transfer-Encoding',
      () => ({ lines: head(['Transfer-Encoding: xchunked']), raw: body() }),
    ],
    [
      'Transfer-Encoding with chunked not last',
      () => ({ lines: head(['Transfer-Encoding: chunked, identity']), raw: body() }),
    ],
    [
      'a chunk size that is not hexadecimal',
      () => ({ lines: head(['Transfer-Encoding: chunked']), raw: `zz\r\n${body()}\r\n0\r\n\r\n` }),
    ],
    [
      'a header folded onto the next line (obs-fold)',
      () => ({
        lines: head([
          `Content-Length: ${body().length}`,
          'X-Folded: a',
          ' Transfer-Encoding: chunked',
        ]),
        raw: body(),
      }),
    ],
    [
      'a space before the colon',
      () => ({ lines: head([`Content-Length : ${body().length}`]), raw: body() }),
    ],
  ];

  it('refuses each with 400 and one answer only; nothing reaches the provider', async () => {
    const hitsBefore = upstream.hits.get('quick') ?? 0;
    const recordsBefore = harness.records.length;
    for (const [name, build] of cases) {
      const { lines, raw } = build();
      const connection = openRaw(harness.url);
      await connection.connected;
      connection.socket.write(`${lines.join('\r\n')}\r\n\r\n${raw}`);
      const end = await connection.ended;
      expect(end.received, name).toMatch(/^HTTP\/1\.1 400 /);
      // Exactly one answer: the smuggled remainder was never parsed as a second request.
      expect(end.received.match(/HTTP\/1\.1 /g), name).toHaveLength(1);
    }
    expect(upstream.hits.get('quick') ?? 0).toBe(hitsBefore);
    // Framing the parser rejects in the headers never reaches a route; framing it rejects in the
    // body (chunked not last, a bad chunk size) ends a request that had started, whose record
    // says it was refused, with no attempt.
    const records = harness.records.slice(recordsBefore);
    expect(records.length).toBeLessThanOrEqual(2);
    for (const record of records) {
      // Regression "bad framing recorded as a timeout": it was 408 SB_ERR_REQUEST_TIMEOUT.
      expect(record).toMatchObject({
        status: 400,
        outcome: 'rejected',
        errorCode: 'SB_ERR_REQUEST_INVALID',
        attempts: [],
      });
    }
    // A well-framed request still works (so the 400s above are the framing).
    const fine = openRaw(harness.url);
    await fine.connected;
    fine.socket.write(
      `${head([`Content-Length: ${body().length}`, 'Connection: close']).join('\r\n')}\r\n\r\n${body()}`,
    );
    expect((await fine.ended).received).toMatch(/^HTTP\/1\.1 200 /);
  });
});
