import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeParseJson } from '../../src/lib/json.ts';

/** Writes one scripted answer; the request's parsed body is given for the model name etc. */
export type Script = (response: ServerResponse, request: IncomingMessage) => void;

/** An OpenAI-compatible upstream that answers with raw, scripted bytes (malformed on purpose). */
export interface ScriptedUpstream {
  /** The API root, such as `http://127.0.0.1:41234/v1`. */
  readonly baseUrl: string;
  /** Requests received, by script name. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/** An OpenAI chat.completion.chunk with `delta`, as an SSE `data:` payload. */
export function chunk(delta: object, finishReason: string | null = null): string {
  return JSON.stringify({
    id: 'raw-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'echo',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
}

/**
 * An OpenAI usage-only chunk (what `stream_options.include_usage` adds at the end); `usageJson`
 * is raw JSON text, so that numbers JSON.parse turns into Infinity (`1e400`) can be sent.
 */
export function usageChunk(usageJson: string): string {
  return `{"id":"raw-1","object":"chat.completion.chunk","created":1,"model":"echo","choices":[],"usage":${usageJson}}`;
}

/** A whole OpenAI chat.completion with `content`, and `usageJson` as raw JSON text. */
export function completion(content: string, usageJson: string): string {
  const choice = JSON.stringify({
    index: 0,
    message: { role: 'assistant', content },
    finish_reason: 'stop',
    logprobs: null,
  });
  return `{"id":"raw-1","object":"chat.completion","created":1,"model":"echo","choices":[${choice}],"usage":${usageJson}}`;
}

function lastUserText(body: Buffer): string {
  const parsed = safeParseJson(body.toString('utf8'));
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return '';
  const messages = (parsed.value as { messages?: { role: string; content: unknown }[] }).messages;
  const last = messages?.filter((message) => message.role === 'user').at(-1)?.content;
  if (typeof last === 'string') return last;
  if (Array.isArray(last)) {
    return last.map((part: { text?: string }) => part.text ?? '').join(' ');
  }
  return '';
}

/**
 * Starts the upstream on 127.0.0.1. The script is picked by `script=<name>` in the last user
 * message; an unknown or missing name answers 500.
 */
export async function startScriptedUpstream(
  scripts: Readonly<Record<string, Script>>,
): Promise<ScriptedUpstream> {
  const hits = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (data: Buffer) => chunks.push(data));
    request.on('end', () => {
      const name = /script=([\w-]+)/.exec(lastUserText(Buffer.concat(chunks)))?.[1] ?? '';
      hits.set(name, (hits.get(name) ?? 0) + 1);
      const script = scripts[name];
      if (script === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"no such script","type":"server_error"}}');
        return;
      }
      script(response, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
