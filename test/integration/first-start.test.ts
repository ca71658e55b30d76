import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';

// The sources themselves (not a build that may be stale), started the way the CLI starts them.
const entry = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

/** Starts `signalbox serve` as a real process and waits until it says where it listens. */
async function serve(
  stateDir: string,
): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH, SIGNALBOX_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 15 s:\n${stderr}`)), 15_000);
    child.stderr.on('data', () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('a fresh install', () => {
  it('starts with no configuration, prints an admin key once, and serves mock/echo to the OpenAI SDK', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-first-')), 'state');
    const first = await serve(stateDir);
    const adminKey = /(sk-sb-[0-9A-Za-z]{44})/.exec(first.stderr())?.[1];
    expect(adminKey).toBeDefined();
    const client = new OpenAI({ apiKey: adminKey, baseURL: `${first.url}/v1`, maxRetries: 0 });

    const completion = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'Is anybody there?' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Is anybody there?');

    let streamed = '';
    const stream = await client.chat.completions.create({
      model: 'mock/echo',
      stream: true,
      messages: [{ role: 'user', content: 'Streaming works.' }],
    });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('Streaming works.');

    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).toBe(0);

    const second = await serve(stateDir);
    expect(second.stderr()).not.toContain('created an admin key');
    const again = new OpenAI({ apiKey: adminKey, baseURL: `${second.url}/v1`, maxRetries: 0 });
    expect((await again.models.list()).data.map((model) => model.id)).toContain('mock/echo');
    second.child.kill('SIGTERM');
    expect(await exitOf(second.child)).toBe(0);
  }, 40_000);

  it('refuses to start with an invalid configuration and says why', async () => {
    const child = spawn(
      process.execPath,
      [entry, 'serve', '--config', '/nonexistent/signalbox.yaml'],
      {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    running.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(stderr).toContain('/nonexistent/signalbox.yaml: cannot be read (ENOENT)');
  });
});

describe('a port that is taken', () => {
  it('makes serve exit with an error instead of hanging', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-port-')), 'state');
    const child = spawn(process.execPath, [entry, 'serve', '--port', String(port)], {
      env: { PATH: process.env.PATH, SIGNALBOX_STATE_DIR: stateDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(stderr).toContain('EADDRINUSE');
    blocker.close();
  }, 20_000);
});
