import { readFileSync, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { chunk, usageChunk } from './scripted-upstream.ts';

/**
 * Misbehaving HTTP clients on raw sockets (slowloris, slow readers, early disconnects, floods),
 * and upstream scripts that report what the gateway did to them, for the client-faults tests.
 */

/** How a raw connection ended, as seen by the client. */
export interface RawEnd {
  /** The server reset the connection (ECONNRESET/EPIPE) rather than closing it cleanly. */
  readonly reset: boolean;
  /** Milliseconds from opening to the close. */
  readonly afterMs: number;
  /** Every byte the server sent, as latin1 text. */
  readonly received: string;
}

/** A raw client connection that records what it receives and when it closes. */
export interface RawConnection {
  readonly socket: Socket;
  /** Resolves once connected. */
  readonly connected: Promise<void>;
  /** Resolves when the connection is closed, by either side. */
  readonly ended: Promise<RawEnd>;
  /** What the server sent so far (without `keepData`, its first 16 KiB or so). */
  received(): string;
  /** Bytes received so far. */
  receivedBytes(): number;
  /** Resolves once `predicate` holds for the received text; rejects at the close or timeout. */
  waitForText(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
}

/**
 * Opens a raw TCP connection to the gateway at `url` (its host and port only). `keepData: false`
 * keeps only the start of what arrives, for answers of many megabytes.
 */
export function openRaw(url: string, options: { readonly keepData?: boolean } = {}): RawConnection {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const socket = connect(Number(port), hostname);
  const keep = options.keepData ?? true;
  const chunks: Buffer[] = [];
  let byteCount = 0;
  let reset = false;
  const waiters = new Set<() => void>();
  socket.on('data', (data: Buffer) => {
    // Without `keepData`, only the first 16 KiB are kept (the response head).
    if (keep || byteCount < 16 * 1024) chunks.push(data);
    byteCount += data.length;
    for (const waiter of waiters) waiter();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
  });
  const received = (): string => Buffer.concat(chunks).toString('latin1');
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  connected.catch(() => undefined);
  const ended = new Promise<RawEnd>((resolve) => {
    socket.once('close', () => {
      for (const waiter of waiters) waiter();
      resolve({ reset, afterMs: performance.now() - started, received: received() });
    });
  });
  return {
    socket,
    connected,
    ended,
    received,
    receivedBytes: () => byteCount,
    waitForText: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected text not received in time; got: ${received().slice(0, 300)}`));
        }, timeoutMs);
        const check = (): void => {
          const text = received();
          if (predicate(text)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(text);
          } else if (socket.destroyed) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`connection closed first; got: ${text.slice(0, 300)}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/**
 * Writes `text` one byte every `intervalMs` until it is all sent, the socket closes, or the
 * returned stop function is called. Never writes the last byte when `holdLast` is set.
 */
export function trickle(
  socket: Socket,
  text: string,
  intervalMs: number,
  options: { readonly holdLast?: boolean } = {},
): () => void {
  let index = 0;
  const stopAt = options.holdLast === true ? text.length - 1 : text.length;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= stopAt) {
      clearInterval(timer);
      return;
    }
    socket.write(text.charAt(index), 'latin1');
    index += 1;
  }, intervalMs);
  socket.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

/** The head of a chat request with `key` and a body of `contentLength` bytes (no trailing body). */
export function chatHead(key: string, contentLength: number, keepAlive = false): string {
  return [
    'POST /v1/chat/completions HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${key}`,
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
    `Connection: ${keepAlive ? 'keep-alive' : 'close'}`,
    '',
    '',
  ].join('\r\n');
}

/** A chat request body for `model` whose user message names the upstream `script`. */
export function chatBody(model: string, script: string, stream: boolean): string {
  return JSON.stringify({
    model,
    stream,
    messages: [{ role: 'user', content: `script=${script}` }],
  });
}

/** A whole raw chat request: head and body. */
export function chatRequest(key: string, model: string, script: string, stream: boolean): string {
  const body = chatBody(model, script, stream);
  return chatHead(key, Buffer.byteLength(body)) + body;
}

/** Resident set size of process `pid` in bytes (Linux /proc). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kilobytes === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kilobytes) * 1024;
}

/** Open file descriptors of process `pid` (Linux /proc). */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The `x-signalbox-request-id` of a raw answer's head. */
export function requestIdOf(received: string): string {
  const id = /\r\nx-signalbox-request-id: ([\w-]+)/i.exec(received)?.[1];
  if (id === undefined) throw new Error(`no request id in: ${received.slice(0, 300)}`);
  return id;
}

/** One row of `GET /admin/requests` (the fields these tests read). */
export interface RequestLogRow {
  readonly request_id: string;
  readonly status: number;
  readonly outcome: string;
  readonly stream: boolean;
  readonly output_tokens: number | null;
  readonly error_code: string | null;
}

/** Request log rows on the gateway at `url`: those of `query` (such as `request_id=…`). */
export async function requestLogRows(
  url: string,
  adminKey: string,
  query: string,
): Promise<RequestLogRow[]> {
  const response = await fetch(`${url}/admin/requests?${query}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  if (response.status !== 200) throw new Error(`request log: ${response.status}`);
  return ((await response.json()) as { data: RequestLogRow[] }).data;
}

/** Polls `condition` every 25 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a streaming upstream script observed while writing its answer. */
export interface StreamProgress {
  /** Bytes handed to `write()` so far. */
  written: number;
  /** Times `write()` returned false (the gateway stopped reading). */
  stalls: number;
  /** The answer was written to the end. */
  finished: boolean;
  /** The gateway closed the upstream connection before the answer was finished. */
  abortedEarly: boolean;
}

/** A fresh progress record. */
export function newProgress(): StreamProgress {
  return { written: 0, stalls: 0, finished: false, abortedEarly: false };
}

const sseHead = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

/**
 * Streams an OpenAI chat answer of about `totalBytes` (events of `eventBytes` text each), honouring
 * backpressure: after `write()` returns false it waits for `drain`. Usage comes at the end.
 */
export function streamLongAnswer(
  response: ServerResponse,
  progress: StreamProgress,
  totalBytes: number,
  eventBytes = 16 * 1024,
): void {
  response.writeHead(200, sseHead);
  const text = 'x'.repeat(eventBytes);
  const event = `data: ${chunk({ content: text })}\n\n`;
  response.once('close', () => {
    if (!progress.finished) progress.abortedEarly = true;
  });
  const pump = (): void => {
    while (progress.written < totalBytes) {
      if (response.destroyed) return;
      progress.written += event.length;
      if (!response.write(event)) {
        progress.stalls += 1;
        response.once('drain', pump);
        return;
      }
    }
    if (response.destroyed) return;
    response.write(`data: ${chunk({}, 'stop')}\n\n`);
    response.write(
      `data: ${usageChunk('{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}')}\n\n`,
    );
    progress.finished = true;
    response.end('data: [DONE]\n\n');
  };
  pump();
}

/**
 * Streams a short answer whose events come one every `gapMs` (`count` of them), then usage, so a
 * client can leave after the first chunk or mid-stream.
 */
export function streamSlowly(
  response: ServerResponse,
  progress: StreamProgress,
  count: number,
  gapMs: number,
): void {
  response.writeHead(200, sseHead);
  response.once('close', () => {
    if (!progress.finished) progress.abortedEarly = true;
  });
  let sent = 0;
  const next = (): void => {
    if (response.destroyed) return;
    if (sent === count) {
      response.write(`data: ${chunk({}, 'stop')}\n\n`);
      response.write(
        `data: ${usageChunk('{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}')}\n\n`,
      );
      progress.finished = true;
      response.end('data: [DONE]\n\n');
      return;
    }
    const event = `data: ${chunk({ content: `word${sent} ` })}\n\n`;
    progress.written += event.length;
    response.write(event);
    sent += 1;
    setTimeout(next, gapMs);
  };
  next();
}

/**
 * The configuration sections of a gateway with one priced provider, `scripted` at `baseUrl`
 * (model `echo`), behind the alias `solo`: what every client-fault test routes through.
 */
export function soloScriptedConfig(baseUrl: string): string {
  return `providers:
  - id: scripted
    type: openai-compatible
    base_url: ${baseUrl}
    models: [echo]
    model_facts:
      echo: { price: { input: 1, output: 2 } }
models:
  - alias: solo
    targets: [{ provider: scripted, model: echo }]`;
}
