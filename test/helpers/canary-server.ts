import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listener that must never be contacted: it counts every connection it receives. */
export interface CanaryServer {
  readonly url: string;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startCanaryServer(): Promise<CanaryServer> {
  let connections = 0;
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"canary":true}');
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
