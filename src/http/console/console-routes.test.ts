import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestGateway,
  testAdminKey,
  type TestGateway,
} from '../../../test/helpers/test-gateway.ts';
import { loadConsoleFiles } from './console-files.ts';

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A GET with the path sent exactly as written (fetch would resolve `..` and re-encode). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: url.hostname, port: url.port, path, method: 'GET', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const indexHtml =
  '<!doctype html><title>console</title><script src="/ui/assets/index-Ab12_c.js"></script>';
const script = 'console.log("console");';

function writeBuild(): string {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-console-'));
  mkdirSync(join(directory, 'assets'));
  writeFileSync(join(directory, 'index.html'), indexHtml);
  writeFileSync(join(directory, 'assets', 'index-Ab12_c.js'), script);
  writeFileSync(join(directory, 'assets', 'index-Zz9.css'), 'body{margin:0}');
  // Neither is served: a dotfile and a type the console does not serve.
  writeFileSync(join(directory, '.env'), 'SECRET=1');
  writeFileSync(join(directory, 'assets', 'notes.md'), '# notes');
  mkdirSync(join(directory, 'assets', 'nested'));
  writeFileSync(join(directory, 'assets', 'nested', 'deep.js'), 'deep');
  return directory;
}

describe('the console build loader', () => {
  it('maps only plain, typed files to /ui/ paths', async () => {
    const files = await loadConsoleFiles(writeBuild());
    expect([...(files?.keys() ?? [])].sort()).toEqual([
      '/ui/assets/index-Ab12_c.js',
      '/ui/assets/index-Zz9.css',
      '/ui/assets/nested/deep.js',
      '/ui/index.html',
    ]);
  });

  it('reports no build when index.html is missing', async () => {
    expect(await loadConsoleFiles(mkdtempSync(join(tmpdir(), 'signalbox-empty-')))).toBeUndefined();
    expect(await loadConsoleFiles(join(tmpdir(), 'signalbox-does-not-exist-0'))).toBeUndefined();
  });
});

describe('the console served at /ui', () => {
  let harness: TestGateway;
  let unbuilt: TestGateway;

  beforeAll(async () => {
    harness = await startTestGateway({ consoleDirectory: writeBuild() });
    unbuilt = await startTestGateway({
      consoleDirectory: mkdtempSync(join(tmpdir(), 'signalbox-no-build-')),
    });
  });

  afterAll(async () => {
    await harness.close();
    await unbuilt.close();
  });

  it('serves index.html at /ui and /ui/ without a key, uncached, with a strict policy', async () => {
    for (const path of ['/ui', '/ui/', '/ui/index.html']) {
      const answer = await rawGet(harness.url, path);
      expect(answer.status, path).toBe(200);
      expect(answer.body).toBe(indexHtml);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      const policy = String(answer.headers['content-security-policy']);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
    }
  });

  it('serves hashed assets as immutable with their content type', async () => {
    const js = await rawGet(harness.url, '/ui/assets/index-Ab12_c.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe(script);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await rawGet(harness.url, '/ui/assets/index-Zz9.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers unknown and crafted paths like any unknown route: 401 without a key, 404 with one', async () => {
    const crafted = [
      '/ui/../package.json',
      '/ui/%2e%2e/package.json',
      '/ui/%2e%2e/',
      '/ui/assets/../../package.json',
      '/ui/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/ui/assets/..%2f..%2fpackage.json',
      '/ui/assets/%252e%252e/package.json',
      '/ui/assets//index-Ab12_c.js',
      '/ui/assets/index-Ab12_c.js/',
      '/ui/assets/INDEX-AB12_C.JS',
      '/ui/assets/notes.md',
      '/ui/.env',
      '/ui/assets/',
      '/ui//',
      '/ui/nope.html',
    ];
    for (const path of crafted) {
      const anonymous = await rawGet(harness.url, path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.body).not.toContain('SECRET');
      const signedIn = await rawGet(harness.url, path, { authorization: `Bearer ${testAdminKey}` });
      expect(signedIn.status, path).toBe(404);
      expect(signedIn.body).not.toContain('"name"');
    }
  });

  it('serves GET only', async () => {
    const answer = await fetch(`${harness.url}/ui/`, { method: 'POST' });
    expect(answer.status).toBe(401);
    const signedIn = await fetch(`${harness.url}/ui/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}` },
    });
    expect(signedIn.status).toBe(405);
  });

  it('says how to build the console when there is no build', async () => {
    for (const path of ['/ui', '/ui/']) {
      const answer = await rawGet(unbuilt.url, path);
      expect(answer.status).toBe(404);
      expect(answer.body).toContain('npm run build');
    }
    expect((await rawGet(unbuilt.url, '/ui/assets/index-Ab12_c.js')).status).toBe(401);
  });
});
