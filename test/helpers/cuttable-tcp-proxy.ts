import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy whose link a test can cut (a network outage) and restore. */
export interface CuttableTcpProxy {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /**
   * Destroys every open connection (both sides, so the server also sees it go) and, until
   * `restore()`, destroys each new connection as soon as it is accepted: clients fail at once
   * rather than wait for a timeout.
   */
  cut(): void;
  /** Forwards new connections again. */
  restore(): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) that forwards each connection to `target`. */
export async function startCuttableTcpProxy(target: {
  readonly host: string;
  readonly port: number;
}): Promise<CuttableTcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // A reset is expected when either side is cut; the pair is torn down together below.
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the proxy has no TCP address');
  }
  const destroyAll = (): void => {
    for (const socket of open) {
      socket.destroy();
    }
  };
  return {
    port: address.port,
    cut() {
      isCut = true;
      destroyAll();
    },
    restore() {
      isCut = false;
    },
    close() {
      destroyAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
