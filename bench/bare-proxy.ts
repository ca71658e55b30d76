// The floor: the least a Node.js HTTP proxy can do per request. It forwards method, path, body and
// the content type to one upstream over a keep-alive undici pool and streams the answer back,
// with no parsing, no auth and no logging. Used only by the benchmark.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (upstream === undefined) {
  process.stderr.write('usage: bare-proxy.ts <upstream origin>\n');
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 1024, keepAliveTimeout: 30_000 });

const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    pool
      .stream(
        {
          path: request.url ?? '/',
          method: request.method === 'GET' ? 'GET' : 'POST',
          headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
          body: chunks.length === 0 ? null : Buffer.concat(chunks),
        },
        ({ statusCode, headers }) => {
          const contentType = headers['content-type'];
          response.writeHead(
            statusCode,
            typeof contentType === 'string' ? { 'content-type': contentType } : {},
          );
          return response;
        },
      )
      .catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stderr.write(`bare proxy listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.close();
  process.exit(0);
});
