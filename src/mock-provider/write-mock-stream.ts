import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForDrain } from '../lib/wait-for-drain.ts';
import type { MockStreamFrames } from './mock-dialect.ts';
import type { MockDirectives } from './mock-directives.ts';

export interface MockStreamOptions {
  readonly directives: MockDirectives;
  readonly requestId: string;
}

function withCrlf(frame: string | Uint8Array): string | Uint8Array {
  return typeof frame === 'string' ? frame.replace(/\n/g, '\r\n') : frame;
}

/** Applies the malformations a script asks for to a stream's frames. Pure. */
export function malformFrames(
  stream: MockStreamFrames,
  directives: MockDirectives,
): (string | Uint8Array)[] {
  let frames = [...stream.frames];
  switch (directives.malformed) {
    case 'bad-json':
      frames.splice(Math.min(2, frames.length), 0, stream.malformedFrame);
      break;
    case 'error-chunk':
      frames.splice(Math.min(2, frames.length), frames.length, stream.errorFrame);
      break;
    case 'truncated':
      frames = frames.slice(0, stream.truncateAt);
      break;
    case 'no-done':
      frames = frames.slice(0, frames.length - stream.terminalFrames);
      break;
    case 'comments':
      if (stream.sse) {
        frames = frames.flatMap((frame) => [': keep-alive\n\n', frame]);
        frames.push(': keep-alive\n\n');
      }
      break;
    case 'crlf':
      frames = frames.map(withCrlf);
      break;
    default:
      break;
  }
  return frames;
}

/**
 * Writes a streamed answer frame by frame and applies the stream faults a script asks for:
 * pacing, stalls, disconnects, a single burst, byte-by-byte writes and the named malformations.
 */
export async function writeMockStream(
  response: ServerResponse,
  stream: MockStreamFrames,
  options: MockStreamOptions,
): Promise<void> {
  const { directives } = options;
  const frames = malformFrames(stream, directives);
  response.writeHead(200, {
    'content-type': stream.contentType,
    'cache-control': 'no-cache',
    'x-request-id': options.requestId,
  });
  if (directives.burst === true) {
    response.end(
      Buffer.concat(
        frames.map((frame) => (typeof frame === 'string' ? Buffer.from(frame) : frame)),
      ),
    );
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
      const bytes = typeof frame === 'string' ? Buffer.from(frame, 'utf8') : Buffer.from(frame);
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
