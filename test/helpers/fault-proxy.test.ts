import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';

// An echo server: every byte received is sent back.
let echo: Server;
let proxy: FaultProxy;

beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
});

afterEach(async () => {
  proxy.clear();
  await proxy.up();
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => echo.close(resolve));
});

interface Exchange {
  readonly received: Buffer;
  readonly ending: 'end' | 'error';
  readonly errorCode: string | undefined;
  readonly ms: number;
  readonly arrivals: number;
}

/** Sends `payload` through the proxy and collects the echo until the socket ends or `waitMs` passes. */
function exchange(payload: string, waitMs = 1500): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    let expected = Buffer.byteLength(payload);
    const socket: Socket = connect(proxy.port, '127.0.0.1', () => socket.write(payload));
    const finish = (ending: Exchange['ending'], errorCode?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        received: Buffer.concat(chunks),
        ending,
        errorCode,
        ms: performance.now() - started,
        arrivals: chunks.length,
      });
    };
    const timer = setTimeout(() => finish('end'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      expected -= chunk.length;
      if (expected === 0) {
        finish('end');
      }
    });
    socket.on('end', () => finish('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish('error', error.code));
    socket.on('timeout', () => reject(new Error('timeout')));
  });
}

describe('fault proxy', () => {
  it('forwards bytes unchanged without faults', async () => {
    const result = await exchange('hello proxy');
    expect(result.received.toString()).toBe('hello proxy');
    expect(proxy.forwarded.upstream).toBeGreaterThanOrEqual(11);
  });

  it('adds latency per chunk (both directions)', async () => {
    proxy.set({ latencyMs: 150 });
    const result = await exchange('slow');
    expect(result.received.toString()).toBe('slow');
    expect(result.ms).toBeGreaterThanOrEqual(280);
  });

  it('slices data into pieces with a delay between them', async () => {
    proxy.set({ slice: { bytes: 2, delayMs: 30 } });
    const result = await exchange('abcdefgh');
    expect(result.received.toString()).toBe('abcdefgh');
    expect(result.arrivals).toBeGreaterThanOrEqual(3);
    // Four pieces upstream, three 30 ms gaps between them.
    expect(result.ms).toBeGreaterThanOrEqual(85);
  });

  it('limits bandwidth', async () => {
    proxy.set({ bytesPerSecond: 100 });
    const result = await exchange('0123456789'.repeat(3));
    expect(result.received.length).toBe(30);
    // 30 bytes at 100 B/s: at least 0.3 s (the two directions trickle at the same time).
    expect(result.ms).toBeGreaterThanOrEqual(280);
  });

  it('stalls until cleared (a blackhole), then delivers', async () => {
    proxy.set({ stall: true });
    const before = proxy.forwarded.downstream;
    const pending = exchange('held', 3000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(proxy.forwarded.downstream).toBe(before);
    proxy.clear();
    const result = await pending;
    expect(result.received.toString()).toBe('held');
    expect(result.ms).toBeGreaterThanOrEqual(280);
  });

  it('closes a connection after N bytes downstream', async () => {
    proxy.set({ closeAfterBytes: { downstream: 4 } });
    const result = await exchange('abcdefgh');
    expect(result.received.toString()).toBe('abcd');
  });

  it('resets a connection after N bytes downstream when asked to close with an RST', async () => {
    proxy.set({ closeAfterBytes: { downstream: 3 }, closeWith: 'rst' });
    const result = await exchange('abcdefgh');
    expect(result.received.toString()).toBe('abc');
    expect(result).toMatchObject({ ending: 'error', errorCode: 'ECONNRESET' });
  });

  it('resets open connections with an RST', async () => {
    proxy.set({ stall: true });
    const pending = exchange('x', 3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.reset();
    const result = await pending;
    expect(result).toMatchObject({ ending: 'error', errorCode: 'ECONNRESET' });
  });

  it('refuses connections while down, and forwards again once up', async () => {
    await proxy.down('refuse');
    expect(await exchange('x')).toMatchObject({ ending: 'error', errorCode: 'ECONNREFUSED' });
    await proxy.up();
    expect((await exchange('back')).received.toString()).toBe('back');
  });

  it('resets each accepted connection in down(reset) mode', async () => {
    await proxy.down('reset');
    const before = proxy.accepted;
    const result = await exchange('x');
    expect(result.received.length).toBe(0);
    expect(result.ending).toBe('error');
    expect(proxy.accepted).toBe(before + 1);
  });
});
