import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationSource } from '../lib/cancellation.ts';
import { openUpstreamExchange, type UpstreamExchange } from './upstream-exchange.ts';
import { createUpstreamPool, type UpstreamPool } from './upstream-pool.ts';

/** A raw HTTP server: the test decides which bytes go out in which socket write. */
async function rawServer(answer: (socket: Socket) => void): Promise<{ server: Server; url: URL }> {
  const server = createServer((socket) => {
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: new URL(`http://127.0.0.1:${port}/v1/stream`) };
}

const head =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
const chunk = (text: string): string => `${text.length.toString(16)}\r\n${text}\r\n`;

let pool: UpstreamPool | undefined;
let server: Server | undefined;

afterEach(async () => {
  await pool?.close();
  server?.close();
});

async function open(url: URL, idleMs = 1000) {
  pool = createUpstreamPool({ connectTimeoutFor: () => 1000 });
  return openUpstreamExchange(pool, {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs, totalMs: 5000 },
    cancellation: new CancellationSource(),
  });
}

describe('UpstreamExchange.next', () => {
  it('hands over every chunk of one socket read at once, then the end', async () => {
    const events = Array.from({ length: 20 }, (_, index) => `data: ${index}\n\n`);
    const started = await rawServer((socket) => {
      socket.write(head);
      setTimeout(() => {
        socket.end(events.map(chunk).join('') + '0\r\n\r\n');
      }, 50);
    });
    server = started.server;
    const exchange = await open(started.url);
    const reads: string[] = [];
    for (let body = await exchange.next(); body !== null; body = await exchange.next()) {
      reads.push(body.toString());
    }
    exchange.release();
    expect(reads.join('')).toBe(events.join(''));
    expect(reads.length).toBeLessThan(events.length);
  });

  it('hands over the chunks that came before a failure, then rejects', async () => {
    const started = await rawServer((socket) => {
      socket.write(head);
      setTimeout(() => {
        // Two events, then a chunk size that is not hexadecimal: a framing error.
        socket.end(chunk('data: a\n\n') + chunk('data: b\n\n') + 'zz\r\nbroken\r\n');
      }, 50);
    });
    server = started.server;
    const exchange = await open(started.url);
    const first = await exchange.next();
    expect(first?.toString()).toBe('data: a\n\ndata: b\n\n');
    await expect(exchange.next()).rejects.toMatchObject({
      code: 'SB_ERR_UPSTREAM_ERROR',
    });
    exchange.release();
  });
});

describe('UpstreamExchange idle timeout', () => {
  it('lets a stream that keeps sending run past idleMs, and cuts it idleMs after it goes quiet', async () => {
    // An event every 40 ms for about a second (over three times idleMs), then silence.
    const started = await rawServer((socket) => {
      socket.write(head);
      let sent = 0;
      const timer = setInterval(() => {
        socket.write(chunk(`data: ${sent}\n\n`));
        sent += 1;
        if (sent === 25) clearInterval(timer);
      }, 40);
    });
    server = started.server;
    const exchange = await open(started.url, 300);
    let received = '';
    let lastChunkAt = 0;
    const failure = await (async () => {
      try {
        for (let body = await exchange.next(); body !== null; body = await exchange.next()) {
          received += body.toString();
          lastChunkAt = performance.now();
        }
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    const quietFor = performance.now() - lastChunkAt;
    exchange.release();
    expect(failure).toMatchObject({ code: 'SB_ERR_UPSTREAM_TIMEOUT' });
    expect(received.match(/data: /g)).toHaveLength(25);
    // Measured from the last chunk, not from when the deadline was first set or last moved.
    expect(quietFor).toBeGreaterThanOrEqual(280);
    expect(quietFor).toBeLessThan(450);
  });
});

/** Waits `delayMs` with nobody reading, then reads the whole body, releases, returns the text. */
async function readAfter(exchange: UpstreamExchange, delayMs: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  let received = '';
  for (let body = await exchange.next(); body !== null; body = await exchange.next()) {
    received += body.toString();
  }
  exchange.release();
  return received;
}

describe('UpstreamExchange idle deadline, moved once per socket read', () => {
  it('is kept alive by chunks that nobody is reading yet', async () => {
    // 25 events 40 ms apart (a second, over three times idleMs), then the end; the caller reads
    // nothing until after it. The provider never went quiet, so there is no idle timeout.
    const events = Array.from({ length: 25 }, (_, index) => `data: ${index}\n\n`);
    const started = await rawServer((socket) => {
      socket.write(head);
      let sent = 0;
      const timer = setInterval(() => {
        socket.write(chunk(events[sent] ?? ''));
        sent += 1;
        if (sent === events.length) {
          clearInterval(timer);
          socket.end('0\r\n\r\n');
        }
      }, 40);
    });
    server = started.server;
    const received = await readAfter(await open(started.url, 300), 1300);
    expect(received).toBe(events.join(''));
  });

  it('stays disarmed while the gateway has paused the transfer for a slow reader', async () => {
    // Over 64 KiB in one burst: the exchange pauses the socket. The reader then waits three
    // times idleMs; that silence is the gateway's own and must not fail the stream.
    const event = `data: ${'x'.repeat(1000)}\n\n`;
    const events = Array.from({ length: 100 }, () => event);
    const started = await rawServer((socket) => {
      socket.write(head + events.map(chunk).join(''));
      setTimeout(() => socket.end('0\r\n\r\n'), 1000);
    });
    server = started.server;
    const received = await readAfter(await open(started.url, 300), 900);
    expect(received).toBe(events.join(''));
  });
});
