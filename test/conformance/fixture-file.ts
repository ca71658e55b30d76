import { readdirSync, readFileSync } from 'node:fs';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { CannedResponse } from './replay-upstream.ts';

export const fixturesDirectory = new URL('./fixtures/', import.meta.url);

/** What a client must end up with for a fixture, in the hub's vocabulary. */
export interface ExpectedAnswer {
  readonly text?: string;
  readonly reasoning?: string;
  readonly refusal?: string;
  readonly toolCalls?: readonly { readonly name: string; readonly arguments: unknown }[];
  readonly finish: 'stop' | 'length' | 'tool-calls' | 'content-filter';
  readonly usage?: {
    readonly input?: number;
    readonly output?: number;
    readonly cacheRead?: number;
    readonly cacheWrite?: number;
    readonly reasoning?: number;
  };
}

/** The gateway error a client must get for an error fixture. */
export interface ExpectedError {
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: string;
}

export interface Fixture {
  readonly dialect: string;
  readonly name: string;
  readonly description: string;
  readonly stream: boolean;
  /** Whether the client offers tools (so ingresses that check them send some). */
  readonly offersTools: boolean;
  readonly response: CannedResponse;
  readonly expect: ExpectedAnswer | undefined;
  readonly error: ExpectedError | undefined;
}

interface ExpectationFile {
  readonly description: string;
  readonly stream: boolean;
  readonly offersTools?: boolean;
  readonly expect?: ExpectedAnswer;
  readonly error?: ExpectedError;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * Bedrock's binary event stream, from its text description: one JSON object per line,
 * `{"headers": {...}, "payload": ...}`, encoded with AWS's own event-stream codec (prelude, string
 * headers, payload, CRCs), so the bytes are exactly what Bedrock sends.
 */
function encodeEventStream(text: string): Uint8Array {
  const frames = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const frame = JSON.parse(line) as { headers: Record<string, string>; payload: unknown };
      return codec.encode({
        headers: Object.fromEntries(
          Object.entries(frame.headers).map(([name, value]) => [
            name,
            { type: 'string' as const, value },
          ]),
        ),
        body: fromUtf8(JSON.stringify(frame.payload)),
      });
    });
  return Buffer.concat(frames);
}

/**
 * Reads a `.http` fixture: a status line, header lines, a blank line, then the body exactly as
 * the provider sends it. Line endings inside the body are kept as written (LF; a fixture that
 * tests CRLF writes `\r\n`). A Bedrock event stream's body is its frames described one per line
 * (see `encodeEventStream`).
 */
export function parseHttpFixture(text: string): CannedResponse {
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const body = split === -1 ? '' : text.slice(split + 2);
  const [statusLine = '', ...headerLines] = head.split('\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) {
    throw new Error(`not a status line: ${statusLine}`);
  }
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bytes =
    headers['content-type'] === 'application/vnd.amazon.eventstream'
      ? encodeEventStream(body)
      : Buffer.from(body, 'utf8');
  return { status, headers, body: bytes };
}

/** Every fixture of a dialect folder, in name order. */
export function readFixtures(dialect: string): Fixture[] {
  const folder = new URL(`${dialect}/`, fixturesDirectory);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.http'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.http'.length);
      const expectation = JSON.parse(
        readFileSync(new URL(`${name}.expect.json`, folder), 'utf8'),
      ) as ExpectationFile;
      return {
        dialect,
        name,
        description: expectation.description,
        stream: expectation.stream,
        offersTools: expectation.offersTools ?? expectation.expect?.toolCalls !== undefined,
        response: parseHttpFixture(readFileSync(new URL(file, folder), 'utf8')),
        expect: expectation.expect,
        error: expectation.error,
      };
    });
}

/** The dialect folders that have fixtures. */
export function fixtureDialects(): string[] {
  return readdirSync(fixturesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
