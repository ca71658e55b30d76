import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForDrain } from '../lib/wait-for-drain.ts';
import type { MockDirectives } from './mock-directives.ts';

export interface MockStreamOptions {
  readonly directives: MockDirectives;
  readonly requestId: string;
}

/**
 * Writes data payloads as an OpenAI event stream, ending with `[DONE]`, and applies the stream
 * faults a script asks for: pacing, stalls, disconnects and the named malformations.
 */
export async function writeMockStream(
  response: ServerResponse,
  payloads: readonly string[],
  options: MockStreamOptions,
): Promise<void> {
  const { directives } = options;
  if (directives.malformed === 'json-for-stream') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"object":"chat.completion"}');
    return;
  }
  const newline = directives.malformed === 'crlf' ? '\r\n' : '\n';
  const frames = payloads.map((payload) => `data: ${payload}${newline}${newline}`);
  if (directives.malformed === 'bad-json') {
    frames.splice(Math.min(2, frames.length), 0, `data: {"choices": [${newline}${newline}`);
  }
  if (directives.malformed === 'error-chunk') {
    frames.splice(
      Math.min(2, frames.length),
      frames.length,
      `data: {"error":{"message":"Upstream secret detail","type":"server_error","code":"internal"}}${newline}${newline}`,
    );
  }
  if (directives.malformed === 'comments') {
    for (let index = frames.length; index >= 0; index -= 1) {
      frames.splice(index, 0, `: keep-alive${newline}${newline}`);
    }
  }
  if (directives.malformed === 'truncated') {
    frames.splice(Math.max(1, frames.length - 3));
  } else if (directives.malformed !== 'no-done' && directives.malformed !== 'error-chunk') {
    frames.push(`data: [DONE]${newline}${newline}`);
  }
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': options.requestId,
  });
  if (directives.burst === true) {
    response.end(frames.join(''));
    return;
  }
  response.flushHeaders();
  const interval = directives.tokensPerSecond === undefined ? 0 : 1000 / directives.tokensPerSecond;
  for (let index = 0; index < frames.length; index += 1) {
    if (response.destroyed) {
      return;
    }
    if (directives.disconnectAfter === index) {
      // Let what was written reach the network first, then drop the connection without an end.
      await new Promise<void>((resolve) => response.write('', () => resolve()));
      response.socket?.destroy();
      return;
    }
    if (directives.stallAfter === index && directives.stallMs !== undefined) {
      await sleep(directives.stallMs);
    }
    if (interval > 0 && index > 0) {
      await sleep(interval);
    }
    const frame = frames[index] ?? '';
    if (directives.malformed === 'split') {
      const bytes = Buffer.from(frame, 'utf8');
      for (let offset = 0; offset < bytes.length; offset += 1) {
        if (!response.write(bytes.subarray(offset, offset + 1))) {
          await waitForDrain(response);
        }
      }
      continue;
    }
    if (!response.write(frame)) {
      await waitForDrain(response);
    }
  }
  response.end();
}
