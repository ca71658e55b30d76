import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The faults a {@link FaultProxy} applies, in Toxiproxy's vocabulary. Each applies to both
 * directions unless it says otherwise; "upstream" is client → target, "downstream" target → client.
 */
export interface Faults {
  /** Added delay before each chunk is forwarded (chunks are forwarded in order, one at a time). */
  readonly latencyMs?: number;
  /** Forwarding rate limit, in bytes per second. */
  readonly bytesPerSecond?: number;
  /** Deliver in pieces of `bytes` bytes with `delayMs` between them (Toxiproxy's slicer). */
  readonly slice?: { readonly bytes: number; readonly delayMs: number };
  /** Stop forwarding (connections stay open: a blackhole) until cleared. */
  readonly stall?: boolean;
  /**
   * After this many bytes in one direction, counted from when these faults were set (so a
   * pooled keep-alive connection is cut in the exchange under test, not at once), that
   * connection is closed (Toxiproxy's limit_data).
   */
  readonly closeAfterBytes?: { readonly upstream?: number; readonly downstream?: number };
  /** How `closeAfterBytes` closes: `fin` (default, an orderly close) or `rst` (a reset). */
  readonly closeWith?: 'fin' | 'rst';
}

/** A loopback TCP proxy in front of one target whose faults a test switches at runtime. */
export interface FaultProxy {
  /** The port it listens on, on 127.0.0.1 (kept across `down()` / `up()`). */
  readonly port: number;
  /** Connections accepted so far (including ones refused by `down('reset')`). */
  readonly accepted: number;
  /** Bytes forwarded so far, per direction. */
  readonly forwarded: { readonly upstream: number; readonly downstream: number };
  /** Replaces the active faults; applies to data not yet forwarded on open connections too. */
  set(faults: Faults): void;
  /** Removes every fault (and releases stalled data). */
  clear(): void;
  /** Sends a TCP RST on every open connection, on both sides. */
  reset(): void;
  /**
   * Takes the link down: `refuse` stops listening (connects get ECONNREFUSED); `reset` keeps
   * listening but resets each connection as soon as it is accepted. Open connections are reset.
   */
  down(mode?: 'refuse' | 'reset'): Promise<void>;
  /** Brings the link back up (listening again on the same port). */
  up(): Promise<void>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Starts a fault proxy on 127.0.0.1 (a free port) forwarding each connection to `target`. */
export async function startFaultProxy(target: {
  readonly host: string;
  readonly port: number;
}): Promise<FaultProxy> {
  let faults: Faults = {};
  let downMode: 'refuse' | 'reset' | undefined;
  let accepted = 0;
  const forwarded = { upstream: 0, downstream: 0 };
  const open = new Set<Socket>();
  // Stalled pumps wait on this; `set`/`clear` without a stall releases them.
  let releaseStall: () => void = () => undefined;
  let stallReleased = Promise.resolve();
  const armStall = (): void => {
    stallReleased = new Promise((resolve) => {
      releaseStall = resolve;
    });
  };

  // A function, not an inline test: the faults change between awaits, which narrowing ignores.
  const isStalled = (): boolean => faults.stall === true;
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // Resets and early closes are the point of this proxy; the pair is torn down together.
    socket.on('error', () => undefined);
  };

  /** Forwards `source` to `sink` one chunk at a time, applying the faults active at each step. */
  async function pump(
    source: Socket,
    sink: Socket,
    direction: 'upstream' | 'downstream',
  ): Promise<void> {
    let sent = 0;
    let countedFor = faults;
    try {
      for await (const data of source as AsyncIterable<Buffer>) {
        let chunk = data;
        while (isStalled()) {
          await stallReleased;
        }
        if (countedFor !== faults) {
          countedFor = faults;
          sent = 0;
        }
        if (faults.latencyMs !== undefined && faults.latencyMs > 0) {
          await sleep(faults.latencyMs);
        }
        const limit = faults.closeAfterBytes?.[direction];
        const cut = limit !== undefined && sent + chunk.length >= limit;
        if (limit !== undefined && cut) {
          chunk = chunk.subarray(0, Math.max(0, limit - sent));
        }
        // A rate limit trickles bytes out in 20 ms pieces rather than holding a whole chunk back.
        const rate = faults.bytesPerSecond;
        const pieceSize =
          faults.slice?.bytes ??
          (rate !== undefined && rate > 0 ? Math.max(1, Math.floor(rate / 50)) : chunk.length);
        for (let offset = 0; offset < chunk.length; offset += Math.max(1, pieceSize)) {
          const piece = chunk.subarray(offset, offset + Math.max(1, pieceSize));
          if (offset > 0 && faults.slice !== undefined) {
            await sleep(faults.slice.delayMs);
          }
          if (faults.bytesPerSecond !== undefined && faults.bytesPerSecond > 0) {
            await sleep((piece.length / faults.bytesPerSecond) * 1000);
          }
          while (isStalled()) {
            await stallReleased;
          }
          if (sink.destroyed) {
            return;
          }
          sent += piece.length;
          forwarded[direction] += piece.length;
          if (!sink.write(piece)) {
            await new Promise<void>((resolve) => {
              sink.once('drain', resolve);
              sink.once('close', resolve);
            });
          }
        }
        if (cut) {
          // Flush what was allowed through, then close both sides: a connection cut mid-message.
          if (faults.closeWith === 'rst') {
            const reset = (): void => {
              if (!sink.destroyed) sink.resetAndDestroy();
              if (!source.destroyed) source.resetAndDestroy();
            };
            if (sink.writableNeedDrain) {
              sink.once('drain', reset);
            } else {
              setImmediate(reset);
            }
          } else {
            sink.end(() => sink.destroy());
            source.destroy();
          }
          return;
        }
      }
      sink.end();
    } catch {
      sink.destroy();
    }
  }

  const server = createServer((client) => {
    accepted += 1;
    if (downMode === 'reset') {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    void pump(client, upstream, 'upstream');
    void pump(upstream, client, 'downstream');
  });
  await listen(server, 0);
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the fault proxy has no TCP address');
  }
  const { port } = address;

  const resetAll = (): void => {
    for (const socket of open) {
      if (!socket.destroyed) {
        // resetAndDestroy throws on a socket that is not yet connected; destroy it instead.
        if (socket.connecting) {
          socket.destroy();
        } else {
          socket.resetAndDestroy();
        }
      }
    }
  };
  const setFaults = (next: Faults): void => {
    const wasStalled = faults.stall === true;
    faults = next;
    if (next.stall === true) {
      if (!wasStalled) {
        armStall();
      }
    } else {
      releaseStall();
    }
  };

  return {
    port,
    get accepted() {
      return accepted;
    },
    forwarded,
    set: setFaults,
    clear: () => setFaults({}),
    reset: resetAll,
    async down(mode = 'refuse') {
      downMode = mode;
      resetAll();
      if (mode === 'refuse' && server.listening) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
    async up() {
      downMode = undefined;
      if (!server.listening) {
        await listen(server, port);
      }
    },
    async close() {
      setFaults({});
      for (const socket of open) {
        socket.destroy();
      }
      if (server.listening) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
