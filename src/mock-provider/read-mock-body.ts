import type { IncomingMessage } from 'node:http';

/** The largest request body the mock reads before it gives up on the request. */
const maxBodyBytes = 64 * 1024 * 1024;

/**
 * The whole body of a request to the mock as UTF-8 text. Rejects (and destroys the request) past
 * 64 MiB, so a runaway client cannot exhaust the test process.
 */
export function readMockBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
